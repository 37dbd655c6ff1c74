namespace Switchboard.Grains.Agents;

/// <summary>Carries out the plan against the sender's timesheet.</summary>
public sealed class TimesheetStep : IAgentStep
{
    public string Name => "timesheet";

    public Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan ?? throw new InvalidOperationException("The timesheet step needs a plan.");
        var outcome = new TimesheetOutcome(plan.Intent != Intent.Help, $"understood: {plan.Intent.ToString().ToLowerInvariant()}");
        return Task.FromResult(context with { Outcome = outcome });
    }
}
