namespace Switchboard.Grains.Retention;

/// <summary>
/// What the retention sweep asks of storage, across all numbers of the service. Both queries run once per
/// Retention:SweepPeriod on one grain, never on the message path. Silos use Azure Table storage (Switchboard.Silo).
/// </summary>
public interface IRetentionStore
{
    /// <summary>Deletes the turn history rows of every number completed before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteHistoryBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>
    /// Ids of outbound records last written in [<paramref name="from"/>, <paramref name="to"/>) (from null: since ever).
    /// A record is written for the last time within minutes of its creation (its final status), so this finds the
    /// records created before <paramref name="to"/> that an earlier sweep has not seen.
    /// </summary>
    IAsyncEnumerable<string> OutboundWrittenBetweenAsync(DateTimeOffset? from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>
    /// Numbers whose conversation state was last written in [<paramref name="from"/>, <paramref name="to"/>): the
    /// conversations gone idle since the last sweep's cutoff, each asked once whether it may be forgotten.
    /// </summary>
    IAsyncEnumerable<string> ConversationsWrittenBetweenAsync(DateTimeOffset? from, DateTimeOffset to, CancellationToken cancellationToken);
}
