using System.Diagnostics.Metrics;

namespace Switchboard.Api.Email;

/// <summary>
/// The email webhook's counters, in the "switchboard" meter beside the grains' (the front end exports it too). No tags:
/// an address must never become a series.
/// </summary>
public static class EmailMetrics
{
    public const string MeterName = "switchboard";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> UnknownSender = Meter.CreateCounter<long>(
        "switchboard.email.unknown_sender", description: "Inbound emails from an address no employee is registered with: acknowledged, not answered");

    public static readonly Counter<long> Unauthenticated = Meter.CreateCounter<long>(
        "switchboard.email.unauthenticated", description: "Inbound emails whose sender neither SPF nor DKIM vouched for: acknowledged, not answered");

    /// <summary>Both exported at 0 from the start, so an alert rule has a series before the first increment.</summary>
    public static void PublishCounters()
    {
        UnknownSender.Add(0);
        Unauthenticated.Add(0);
    }
}
