namespace Switchboard.Contracts;

/// <summary>
/// What is running in the cluster now (GET /admin/summary): every silo reports its own counts every few seconds and
/// this grain adds up the latest report of each silo still reporting. Held in memory only: after a restart the next
/// round of reports rebuilds it. One per service (key <see cref="Key"/>).
/// </summary>
[Alias("Switchboard.IClusterActivityGrain")]
public interface IClusterActivityGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Report")]
    Task Report(SiloActivityReport report);

    [Alias("Get")]
    Task<ClusterActivity> Get();
}

/// <summary>One silo's counts: conversation activations, turns running, replies waiting for a retry.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.SiloActivityReport")]
public sealed record SiloActivityReport(string Silo, int ActiveConversations, int TurnsInFlight, int RepliesRetrying, DateTimeOffset At)
{
    /// <summary>Turns this silo finished (answered or failed) in the minute before <see cref="At"/>.</summary>
    [Id(0)] public int TurnsLastMinute { get; init; }
}

/// <summary>The sum over the silos that reported lately; <see cref="OldestReport"/> says how fresh it is.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ClusterActivity")]
public sealed record ClusterActivity(int ActiveConversations, int TurnsInFlight, int RepliesRetrying, int Silos, DateTimeOffset? OldestReport)
{
    /// <summary>Turns finished in the last minute, all silos together.</summary>
    [Id(0)] public int TurnsLastMinute { get; init; }
}
