namespace Switchboard.Grains.Summary;

/// <summary>
/// This silo's live counts for GET /admin/summary, kept by the grains as their state changes (one per silo: a DI
/// singleton, so several test hosts in one process do not mix). Each grain adds and takes back only its own share.
/// </summary>
public sealed class SiloActivity
{
    private int _conversations;
    private int _turns;
    private int _retrying;
    private long _turnsFinished;

    public int ActiveConversations => Volatile.Read(ref _conversations);

    public int TurnsInFlight => Volatile.Read(ref _turns);

    public int RepliesRetrying => Volatile.Read(ref _retrying);

    /// <summary>Turns finished on this silo since it started (a running total: the reporter turns it into a rate).</summary>
    public long TurnsFinished => Interlocked.Read(ref _turnsFinished);

    public void AddConversations(int delta) => Interlocked.Add(ref _conversations, delta);

    public void AddTurns(int delta) => Interlocked.Add(ref _turns, delta);

    public void AddRetrying(int delta) => Interlocked.Add(ref _retrying, delta);

    public void CountFinishedTurn() => Interlocked.Increment(ref _turnsFinished);
}
