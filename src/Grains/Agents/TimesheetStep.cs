namespace Switchboard.Grains.Agents;

/// <summary>Carries out the plan against the sender's timesheet.</summary>
public sealed class TimesheetStep : IAgentStep
{
    public string Name => "timesheet";

    public Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan ?? throw new InvalidOperationException("The timesheet step needs a plan.");
        var kind = plan.Intent switch
        {
            Intent.Status => OutcomeKind.Status,
            Intent.Log => OutcomeKind.Logged,
            Intent.Submit => OutcomeKind.Submitted,
            Intent.Undo => OutcomeKind.Removed,
            _ => OutcomeKind.Help,
        };
        var outcome = new TimesheetOutcome(kind);
        return Task.FromResult(context with { Outcome = outcome });
    }
}
