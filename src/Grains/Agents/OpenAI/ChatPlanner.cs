using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// Plans through a chat model: the model answers with a <see cref="TurnPlan"/> as JSON (structured output with
/// the plan type's schema), which <see cref="PlanCheck"/> then holds to the Rules planner's limits.
/// A model that answers nonsense gets the sender a help text; a model that cannot be reached throws, so the
/// conversation retries the step.
/// </summary>
public sealed class ChatPlanner(IChatClient chatClient, ILogger<ChatPlanner> logger) : IPlanner
{
    // Deterministic reading: the same SMS should give the same plan when a step is retried.
    private static readonly ChatOptions RequestOptions = new() { Temperature = 0, MaxOutputTokens = 300 };

    public async Task<TurnPlan> PlanAsync(PlanningInput input, CancellationToken cancellationToken)
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.System, AgentPrompts.Planner(input.Today)),
            new(ChatRole.User, input.Text),
        ];
        var response = await chatClient.GetResponseAsync<TurnPlan>(
            messages, AgentJson.Options, RequestOptions.Clone(), useJsonSchemaResponseFormat: true, cancellationToken);

        if (!response.TryGetResult(out var plan) && !TryReadFenced(response.Text, out plan))
        {
            OpenAIAgentLog.PlanUnreadable(logger, response.Text.Length);
            return PlanCheck.Help;
        }

        var (checkedPlan, rejection) = PlanCheck.Check(plan, input.Today);
        if (rejection is not null)
        {
            OpenAIAgentLog.PlanRejected(logger, rejection);
        }

        return checkedPlan;
    }

    /// <summary>
    /// Servers that ignore the JSON schema often still answer with the object inside a code fence or a sentence:
    /// take the outermost braces before giving up.
    /// </summary>
    private static bool TryReadFenced(string text, out TurnPlan plan)
    {
        plan = PlanCheck.Help;
        var start = text.IndexOf('{', StringComparison.Ordinal);
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            return false;
        }

        try
        {
            if (JsonSerializer.Deserialize<TurnPlan>(text.AsSpan(start, end - start + 1), AgentJson.Options) is { } read)
            {
                plan = read;
                return true;
            }
        }
        catch (JsonException)
        {
            // Not a plan after all: the caller answers with help.
        }

        return false;
    }
}
