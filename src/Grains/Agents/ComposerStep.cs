namespace Switchboard.Grains.Agents;

/// <summary>Writes the reply from the plan and its outcome.</summary>
public sealed class ComposerStep : IAgentStep
{
    public const string UsageText =
        "Text 'log 8h on Apollo today' to log hours, 'check my timesheet' to see this week, 'undo' to remove the last entry, 'submit' to submit the week.";

    public string Name => "compose";

    public Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var draft = context.Plan?.Intent is null or Intent.Help
            ? UsageText
            : $"Got it ({context.Outcome?.Kind.ToString().ToLowerInvariant()}).";
        return Task.FromResult(context with { Draft = draft });
    }
}
