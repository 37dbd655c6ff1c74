namespace Switchboard.Grains.Retention;

/// <summary>
/// The retention sweep: one per service (key <see cref="Key"/>), woken by its own reminder every
/// Retention:SweepPeriod on whichever silo holds it, so one sweep runs at a time in the whole cluster.
/// </summary>
[Alias("Switchboard.IRetentionGrain")]
public interface IRetentionGrain : IGrainWithStringKey
{
    public const string Key = "all";

    /// <summary>Registers the sweep's reminder if it is missing or has another period; every silo calls it at start.</summary>
    [Alias("Start")]
    Task Start();

    /// <summary>Runs one sweep now (the reminder's work).</summary>
    [Alias("Sweep")]
    Task<RetentionSweep> Sweep();
}

/// <summary>What one sweep did: history rows deleted; outbound records woken to blank their text (a no-op for one already blank).</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.RetentionSweep")]
public sealed record RetentionSweep(DateTimeOffset Cutoff, int HistoryRowsDeleted, int OutboundRecordsSwept)
{
    /// <summary>Conversations of numbers no operator registered, idle past the retention, removed.</summary>
    [Id(0)] public int ConversationsRemoved { get; init; }
}
