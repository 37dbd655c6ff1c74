using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// Writes the reply through a chat model from the turn's facts (the SMS, the plan and the outcome as JSON).
/// The model only phrases: the facts come from the timesheet step, and the quality step checks the result.
/// </summary>
public sealed class ChatComposer(IChatClient chatClient, ILogger<ChatComposer> logger) : IComposer
{
    // A little variety in wording; the numbers come from the facts, not from sampling.
    private static readonly ChatOptions RequestOptions = new() { Temperature = 0.3f, MaxOutputTokens = 200 };

    public async Task<string> ComposeAsync(TurnContext context, CancellationToken cancellationToken)
    {
        // The phone number stays out of the prompt: the model needs the facts of the turn, not who sent it.
        var facts = JsonSerializer.Serialize(new ComposerFacts(context.Text, context.Today, context.Plan, context.Outcome), AgentJson.Options);
        List<ChatMessage> messages =
        [
            new(ChatRole.System, AgentPrompts.Composer),
            new(ChatRole.User, facts),
        ];
        var response = await chatClient.GetResponseAsync(messages, RequestOptions.Clone(), cancellationToken);

        var reply = response.Text.Trim().Trim('"').Trim();
        if (reply.Length == 0)
        {
            OpenAIAgentLog.EmptyReply(logger);
        }

        return reply;
    }

    /// <summary>Today (the sender's date) lets the model say "today" or "Monday" instead of a bare date.</summary>
    private sealed record ComposerFacts(string Message, DateOnly? Today, TurnPlan? Plan, TimesheetOutcome? Outcome);
}
