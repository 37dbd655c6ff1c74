using System.Diagnostics.Metrics;

namespace Switchboard.Grains.Telemetry;

/// <summary>The "switchboard" meter: what operators watch beside Orleans' own metrics.</summary>
/// <remarks>
/// No instrument takes tags, and a new one must never tag by number, sender or outbound id: spans and logs are masked
/// on their way out, metric attributes are not (the OpenTelemetry SDK offers no hook to rewrite them), and each
/// distinct value would be a series of its own.
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
