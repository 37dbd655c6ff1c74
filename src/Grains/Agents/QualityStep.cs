using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Grains.Agents;

/// <summary>
/// Checks the reply before it is sent (<see cref="ReplyCheck"/>); a failing reply goes to the <see cref="Refiner"/>
/// up to Quality:MaxRefinements times, and if it still fails the sender gets a safe fallback instead.
/// </summary>
public sealed class QualityStep(ReplyCheck check, Refiner refiner, IOptions<QualityOptions> options, ILogger<QualityStep> logger) : IAgentStep
{
    public const string FallbackReply = "Sorry, I could not put that answer together. Text 'help' for what I can do.";

    public string Name => "validate";

    public Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var reply = context.Reply;
        var refinements = 0;
        while (true)
        {
            var problems = check.Check(reply, context);
            if (problems.Count == 0)
            {
                return Task.FromResult(context with { Reply = reply, Refinements = refinements });
            }

            var refined = refinements < options.Value.MaxRefinements ? refiner.Refine(reply ?? "", problems, context) : null;
            if (refined is null)
            {
                AgentLog.ReplyReplaced(logger, context.MessageSid, string.Join(", ", problems), refinements);
                return Task.FromResult(context with { Reply = FallbackReply, Refinements = refinements });
            }

            reply = refined;
            refinements++;
        }
    }
}
