namespace Switchboard.Grains.Agents;

/// <summary>
/// One step of a turn (planner, timesheet, composer, branding, quality). Steps must be idempotent: after a crash
/// the conversation runs the unfinished step again with the same input.
/// </summary>
public interface IAgentStep
{
    string Name { get; }

    Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken);
}
