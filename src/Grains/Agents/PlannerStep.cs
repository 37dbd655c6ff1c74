namespace Switchboard.Grains.Agents;

/// <summary>Reads the SMS and decides what the sender wants.</summary>
public sealed class PlannerStep : IAgentStep
{
    public string Name => "plan";

    public Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var text = context.Text.Trim().ToLowerInvariant();
        var intent = text switch
        {
            "check my timesheet" or "hours" or "status" => Intent.Status,
            "submit" => Intent.Submit,
            "undo" => Intent.Undo,
            _ when text.StartsWith("log ", StringComparison.Ordinal) => Intent.Log,
            _ => Intent.Help,
        };
        return Task.FromResult(context with { Plan = new TurnPlan(intent) });
    }
}
