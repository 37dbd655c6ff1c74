using System.Diagnostics.Metrics;

namespace Switchboard.Grains.Telemetry;

/// <summary>The "switchboard" meter: what operators watch beside Orleans' own metrics.</summary>
/// <remarks>
/// Only the model instruments take tags, from small fixed sets (the step, plan or compose; the direction, input or
/// output). None may ever tag by number, sender or outbound id: spans and logs are masked on their way out, metric
/// attributes are not (the OpenTelemetry SDK offers no hook to rewrite them), and each distinct value would be a
/// series of its own.
/// </remarks>
public static class SwitchboardMetrics
{
    public const string MeterName = "switchboard";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Every counter below (filled as they are created, so a new one cannot be forgotten).</summary>
    private static readonly List<Counter<long>> Counters = [];

    public static readonly Counter<long> DuplicateMessages = CreateCounter("switchboard.messages.duplicate", description: "Inbound messages dropped as redeliveries of a known MessageSid");
    public static readonly Counter<long> DroppedMessages = CreateCounter("switchboard.messages.dropped", description: "Inbound messages dropped because the sender's inbox was full");
    public static readonly Counter<long> NotServedMessages = CreateCounter("switchboard.messages.not_served", description: "Inbound messages from countries outside Guard:AllowedCountries: acknowledged, not answered");
    public static readonly Counter<long> WithheldReplies = CreateCounter("switchboard.replies.withheld", description: "Replies to unregistered numbers held back by Guard:UnregisteredReplies");
    public static readonly Counter<long> LostMessages = CreateCounter("switchboard.messages.lost", description: "Messages acknowledged in OneWay mode that the conversation could not persist");
    public static readonly Counter<long> TurnsAnswered = CreateCounter("switchboard.turns.answered");
    public static readonly Counter<long> TurnsFailed = CreateCounter("switchboard.turns.failed");
    public static readonly Histogram<double> TurnDuration = Meter.CreateHistogram<double>("switchboard.turn.duration", unit: "ms");
    public static readonly Counter<long> OutboundAccepted = CreateCounter("switchboard.outbound.accepted", description: "Replies Twilio accepted");
    public static readonly Counter<long> OutboundRetries = CreateCounter("switchboard.outbound.retries");
    public static readonly Counter<long> OutboundFailed = CreateCounter("switchboard.outbound.failed", description: "Replies rejected or given up");
    public static readonly Counter<long> TurnsOverTokenBudget = CreateCounter("switchboard.turns.over_token_budget", description: "Turns ended with the apology because they spent Agents:MaxTokensPerTurn");
    public static readonly Counter<long> DailyBudgetFallbacks = CreateCounter("switchboard.model.daily_budget_fallbacks", description: "Steps the Rules provider answered because Agents:DailyTokenBudget was spent");

    /// <summary>Tokens of model calls, tagged <c>step</c> (plan, compose) and <c>direction</c> (input, output).</summary>
    public static readonly Counter<long> ModelTokens = Meter.CreateCounter<long>("switchboard.model.tokens", description: "Tokens of model calls, by step and direction");

    /// <summary>
    /// Estimated cost of model calls in the currency of Agents:OpenAI:InputPricePerMillion / OutputPricePerMillion,
    /// tagged <c>step</c>; only counted when a price is configured.
    /// </summary>
    public static readonly Counter<double> ModelCost = Meter.CreateCounter<double>("switchboard.model.cost", description: "Estimated cost of model calls, by step, from the configured prices");

    /// <summary>
    /// Adds 0 to every counter, so each one is exported (at 0) from the start instead of only after its first
    /// increment: an alert rule on, say, switchboard_outbound_failed_total has a series to watch. Called once the
    /// host has started (its meter provider listens by then).
    /// </summary>
    public static void PublishCounters()
    {
        foreach (var counter in Counters)
        {
            counter.Add(0);
        }
    }

    private static Counter<long> CreateCounter(string name, string? description = null)
    {
        var counter = Meter.CreateCounter<long>(name, description: description);
        Counters.Add(counter);
        return counter;
    }
}
