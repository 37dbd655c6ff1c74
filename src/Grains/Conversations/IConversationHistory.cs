namespace Switchboard.Grains.Conversations;

/// <summary>
/// Where a conversation's finished turns are kept for operators, apart from its state: the state is rewritten on every
/// message and should stay small, while history only grows. Each turn is written once, into slot
/// <c>sequence % length</c> of a per-number ring, so a number never holds more than Conversation:HistoryLength turns
/// and a turn costs one small write, however old the conversation. Silos use an Azure Table (Switchboard.Silo);
/// tests and benchmarks may use <see cref="MemoryConversationHistory"/>.
/// </summary>
public interface IConversationHistory
{
    /// <summary>Writes (or, for a turn run again after a crash, rewrites) the turn numbered <paramref name="sequence"/>.</summary>
    Task WriteAsync(string phone, long sequence, TurnRecord turn, int length);

    /// <summary>Deletes every recorded turn of the number (erasure).</summary>
    Task EraseAsync(string phone);

    /// <summary>The turns numbered from <paramref name="sequence"/> - <paramref name="length"/> up to (not including) <paramref name="sequence"/>, oldest first.</summary>
    Task<IReadOnlyList<TurnRecord>> ReadAsync(string phone, long sequence, int length);
}

/// <summary>History in the silo's memory: for tests and benchmarks, never for a real silo (it dies with the process).</summary>
public sealed class MemoryConversationHistory : IConversationHistory
{
    private readonly Dictionary<string, SortedDictionary<long, TurnRecord>> _turns = new(StringComparer.Ordinal);

    public Task WriteAsync(string phone, long sequence, TurnRecord turn, int length)
    {
        lock (_turns)
        {
            if (!_turns.TryGetValue(phone, out var ring))
            {
                _turns[phone] = ring = [];
            }

            ring[sequence] = turn;
            while (ring.Count > length)
            {
                ring.Remove(ring.Keys.First());
            }
        }

        return Task.CompletedTask;
    }

    public Task EraseAsync(string phone)
    {
        lock (_turns)
        {
            _turns.Remove(phone);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TurnRecord>> ReadAsync(string phone, long sequence, int length)
    {
        lock (_turns)
        {
            IReadOnlyList<TurnRecord> turns = _turns.TryGetValue(phone, out var ring)
                ? [.. ring.Where(t => t.Key < sequence && t.Key >= sequence - length).Select(t => t.Value)]
                : [];
            return Task.FromResult(turns);
        }
    }
}
