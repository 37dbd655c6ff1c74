using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Switchboard.Grains.Agents.Tokens;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// The outermost layer of the chat pipeline: before a call, refuses it if the turn has spent Agents:MaxTokensPerTurn
/// (so no gen_ai span and no request for a call never made); after it, charges the usage the endpoint reported to
/// the step (<see cref="StepTokenMeter"/>), to the day (<see cref="DailyTokenBudget"/>) and to the
/// switchboard_model_tokens_total and switchboard_model_cost_total counters.
/// </summary>
public sealed class TokenAccountingChatClient(IChatClient inner, DailyTokenBudget daily, OpenAIAgentOptions options) : DelegatingChatClient(inner)
{
    private const string NoStep = "none";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var meter = AllowedMeter();
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        Charge(meter, response.Usage);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var meter = AllowedMeter();
        UsageDetails? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            foreach (var content in update.Contents.OfType<UsageContent>())
            {
                (usage ??= new()).Add(content.Details);
            }

            yield return update;
        }

        Charge(meter, usage);
    }

    /// <summary>The step's meter, once it is clear the turn may make this call.</summary>
    private static StepTokenMeter? AllowedMeter()
    {
        var meter = StepTokenMeter.Current;
        if (meter is { TurnBudgetSpent: true, TurnLimit: { } limit })
        {
            throw new TurnTokenBudgetSpentException(limit, meter.SpentByTurn.Total);
        }

        return meter;
    }

    private void Charge(StepTokenMeter? meter, UsageDetails? usage)
    {
        var (input, output) = (usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0);
        if (input + output == 0)
        {
            return;
        }

        meter?.Add(input, output);
        daily.Spend(input + output);
        var step = new KeyValuePair<string, object?>("step", meter?.Step ?? NoStep);
        SwitchboardMetrics.ModelTokens.Add(input, step, new("direction", "input"));
        SwitchboardMetrics.ModelTokens.Add(output, step, new("direction", "output"));
        if (options.Cost(input, output) is { } cost)
        {
            SwitchboardMetrics.ModelCost.Add(cost, step);
        }
    }
}
