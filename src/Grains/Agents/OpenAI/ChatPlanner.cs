using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// Plans through a chat model: the model answers with a <see cref="TurnPlan"/> as JSON (structured output with
/// the plan type's schema), which <see cref="PlanCheck"/> then holds to the Rules planner's limits.
/// A model that answers nonsense gets the sender a help text; a model that cannot be reached throws, so the
/// conversation retries the step.
/// Not every OpenAI-compatible server takes a JSON schema as the response format: one that refuses it (400/422) is
/// asked again in plain JSON mode with the schema in the prompt, and from then on only that way.
/// </summary>
public sealed class ChatPlanner(IChatClient chatClient, ILogger<ChatPlanner> logger) : IPlanner
{
    // Deterministic reading: the same SMS should give the same plan when a step is retried.
    private static readonly ChatOptions RequestOptions = new() { Temperature = 0, MaxOutputTokens = 300 };

    // Set once the endpoint has refused a JSON schema and then answered in plain JSON mode.
    private volatile bool _schemaRefused;

    public async Task<TurnPlan> PlanAsync(PlanningInput input, CancellationToken cancellationToken)
    {
        List<ChatMessage> messages =
        [
            new(ChatRole.System, AgentPrompts.Planner(input.Today, input.DateOrder)),
            new(ChatRole.User, input.Text),
        ];
        var response = await AskAsync(messages, cancellationToken);

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

    private async Task<ChatResponse<TurnPlan>> AskAsync(List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var refusedNow = false;
        if (!_schemaRefused)
        {
            try
            {
                return await chatClient.GetResponseAsync<TurnPlan>(
                    messages, AgentJson.Options, RequestOptions.Clone(), useJsonSchemaResponseFormat: true, cancellationToken);
            }
            catch (ClientResultException e) when (e.Status is 400 or 422)
            {
                refusedNow = true;
            }
        }

        var response = await chatClient.GetResponseAsync<TurnPlan>(
            messages, AgentJson.Options, RequestOptions.Clone(), useJsonSchemaResponseFormat: false, cancellationToken);
        if (refusedNow && !_schemaRefused)
        {
            // Only now: a 400 that the plain request repeats is a bad request, not a missing feature.
            _schemaRefused = true;
            OpenAIAgentLog.SchemaRefused(logger);
        }

        return response;
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
