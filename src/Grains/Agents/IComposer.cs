namespace Switchboard.Grains.Agents;

/// <summary>Writes the reply in plain words from the plan and its outcome (Rules provider, or an LLM).</summary>
public interface IComposer
{
    Task<string> ComposeAsync(TurnContext context, CancellationToken cancellationToken);
}
