using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// Grain storage in memory that counts writes and bytes per kind of state ("conversation", "outbound"...: the state
/// name up to its first '_', so every message's "outbound_{hash}" counts as "outbound"), for tests of what a turn
/// costs in storage. States are kept serialized, as a real store keeps them, so a reactivated grain reads
/// what was written, not the live object.
/// </summary>
public sealed class CountingGrainStorage(Serializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), (byte[] Data, string ETag)> _stored = new();
    private readonly ConcurrentDictionary<string, int> _writes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    public int Writes(string kind) => _writes.GetValueOrDefault(kind);

    public long Bytes(string kind) => _bytes.GetValueOrDefault(kind);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_stored.TryGetValue((stateName, grainId), out var stored))
        {
            grainState.State = serializer.Deserialize<T>(stored.Data);
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.SerializeToArray(grainState.State);
        var etag = Guid.NewGuid().ToString("N");
        _stored.AddOrUpdate(
            (stateName, grainId),
            _ => grainState.ETag is null ? (data, etag) : throw new InconsistentStateException("The state was deleted meanwhile."),
            (_, old) => old.ETag == grainState.ETag ? (data, etag) : throw new InconsistentStateException("The state was written meanwhile."));
        grainState.ETag = etag;
        grainState.RecordExists = true;
        var kind = stateName.Split('_')[0];
        _writes.AddOrUpdate(kind, 1, (_, n) => n + 1);
        _bytes.AddOrUpdate(kind, data.Length, (_, n) => n + data.Length);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _stored.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
