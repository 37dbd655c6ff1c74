using Orleans.Serialization;

namespace Switchboard.Simulation;

/// <summary>A storage error, as the Azure Table client would throw it.</summary>
internal sealed class StorageException(string message) : Exception(message);

/// <summary>
/// Grain state rows with ETags (an insert is refused if the row exists; a write with a stale ETag is refused), each
/// request a few milliseconds away. Faults: a request fails, or hangs and fails after seconds — having been applied or
/// not. States are deep-copied in and out with Orleans' own copier, as a real store serialises them.
/// </summary>
internal sealed class SimStorage(SimWorld world, DeepCopier copier)
{
    private readonly Dictionary<string, (object State, int ETag)> _rows = new(StringComparer.Ordinal);

    /// <summary>Told of every write that lands (key, the row before, the row after): the observer's ground truth.</summary>
    public Action<string, object?, object>? Stored { get; set; }

    public Task<(T State, int ETag)> ReadAsync<T>(string key) where T : class, new() => world.Effect(1, () =>
    {
        MaybeFail(world, "read");
        return _rows.TryGetValue(key, out var row) ? (copier.Copy((T)row.State), row.ETag) : (new T(), 0);
    });

    /// <summary>Writes the row if its ETag is still <paramref name="etag"/> (0: insert); returns the new ETag.</summary>
    public Task<int> WriteAsync<T>(string key, T state, int etag) where T : class
    {
        var copy = copier.Copy(state);
        var draw = world.Choices.Draw();
        var hang = draw is Schedule.MaxChoice or Schedule.MaxChoice - 1;
        if (draw == Schedule.MaxChoice - 2)
        {
            world.Faults.Add("storageFail");
            world.Trace($"storage refuses the write of {key}");
            return world.Effect<int>(1, () => throw new StorageException("storage refused the write"));
        }

        if (hang)
        {
            world.Faults.Add("storageHang");
            world.Trace($"storage hangs on the write of {key} ({(draw == Schedule.MaxChoice ? "applied" : "not applied")})");
        }

        var applied = !hang || draw == Schedule.MaxChoice;
        var delay = hang ? 5_000 + (world.Choices.Draw() * 500L) : 2;
        if (hang)
        {
            world.Hangs.Add((world.Loop.Now, world.Loop.Now + delay));
        }

        return world.Effect(delay, () =>
        {
            var current = _rows.TryGetValue(key, out var row) ? row.ETag : 0;
            if (current != etag)
            {
                world.Trace($"ETag mismatch on {key}: {etag}, stored {current}");
                throw new StorageException($"ETag mismatch on {key}");
            }

            if (applied)
            {
                Stored?.Invoke(key, row.State, copy);
                _rows[key] = (copy, current + 1);
                world.Trace($"stored {key} (etag {current + 1})");
            }

            return hang ? throw new StorageException("storage timed out") : current + 1;
        });
    }

    /// <summary>What storage holds now, for the invariants.</summary>
    public T? Peek<T>(string key) where T : class => _rows.TryGetValue(key, out var row) ? (T)row.State : null;

    public IEnumerable<(string Key, T State)> All<T>(string prefix) where T : class =>
        _rows.Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(r => (r.Key, (T)r.Value.State));

    /// <summary>A request refused now and then (a read, a reminder, a history line).</summary>
    public static void MaybeFail(SimWorld world, string what)
    {
        if (world.Choices.Draw() == Schedule.MaxChoice - 2)
        {
            world.Faults.Add("storageFail");
            world.Trace($"storage refuses the {what}");
            throw new StorageException($"storage refused the {what}");
        }
    }
}
