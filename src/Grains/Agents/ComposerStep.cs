namespace Switchboard.Grains.Agents;

/// <summary>Writes the reply from the plan and its outcome, through the configured <see cref="IComposer"/>.</summary>
public sealed class ComposerStep(IComposer composer) : IAgentStep
{
    public const string UsageText =
        "Text 'log 8h on Apollo today' to log hours, 'check my timesheet' to see this week, 'undo' to remove the last entry, 'submit' to submit the week.";

    public string Name => "compose";

    public async Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var draft = await composer.ComposeAsync(context, cancellationToken);
        return context with { Draft = draft };
    }
}
