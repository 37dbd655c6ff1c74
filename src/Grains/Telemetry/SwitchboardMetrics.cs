using System.Diagnostics.Metrics;

namespace Switchboard.Grains.Telemetry;

/// <summary>The "switchboard" meter: what operators watch beside Orleans' own metrics.</summary>
public static class SwitchboardMetrics
{
    public const string MeterName = "switchboard";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> DuplicateMessages = Meter.CreateCounter<long>("switchboard.messages.duplicate", description: "Inbound messages dropped as redeliveries of a known MessageSid");
    public static readonly Counter<long> DroppedMessages = Meter.CreateCounter<long>("switchboard.messages.dropped", description: "Inbound messages dropped because the sender's inbox was full");
    public static readonly Counter<long> LostMessages = Meter.CreateCounter<long>("switchboard.messages.lost", description: "Messages acknowledged in OneWay mode that the conversation could not persist");
    public static readonly Counter<long> TurnsAnswered = Meter.CreateCounter<long>("switchboard.turns.answered");
    public static readonly Counter<long> TurnsFailed = Meter.CreateCounter<long>("switchboard.turns.failed");
    public static readonly Histogram<double> TurnDuration = Meter.CreateHistogram<double>("switchboard.turn.duration", unit: "ms");
    public static readonly Counter<long> OutboundAccepted = Meter.CreateCounter<long>("switchboard.outbound.accepted", description: "Replies Twilio accepted");
    public static readonly Counter<long> OutboundRetries = Meter.CreateCounter<long>("switchboard.outbound.retries");
    public static readonly Counter<long> OutboundFailed = Meter.CreateCounter<long>("switchboard.outbound.failed", description: "Replies rejected or given up");
}
