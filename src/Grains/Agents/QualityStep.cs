namespace Switchboard.Grains.Agents;

/// <summary>Checks the reply before it is sent; a reply that fails the checks is replaced by a safe one.</summary>
public sealed class QualityStep : IAgentStep
{
    /// <summary>Twilio's limit for one message body.</summary>
    public const int MaxReplyLength = 1600;

    public const string FallbackReply = "Sorry, I could not put that answer together. Text 'help' for what I can do.";

    public string Name => "validate";

    public Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var reply = context.Reply;
        var ok = !string.IsNullOrWhiteSpace(reply) && reply.Length <= MaxReplyLength;
        return Task.FromResult(ok ? context : context with { Reply = FallbackReply });
    }
}
