using System.Collections.Concurrent;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Switchboard.Contracts;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// Sits in front of a host's grain storage (installed with <see cref="InstallIn"/> from ConfigureTestServices): counts
/// each grain's writes, and makes the storage calls of the grains a test picks fail as a storage service that is down
/// does, or hang until <see cref="Dispose"/>, without stopping Azurite under the other tests.
/// </summary>
public sealed class GrainStorageFaults : IDisposable
{
    private readonly ConcurrentDictionary<GrainId, int> _writes = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Grains whose reads and writes throw.</summary>
    public Func<GrainId, bool> Failing { get; set; } = _ => false;

    /// <summary>Grains whose reads and writes wait, unanswered, until this is disposed.</summary>
    public Func<GrainId, bool> Hanging { get; set; } = _ => false;

    /// <summary>Writes that reached storage, of the grains chosen.</summary>
    public int Writes(Func<GrainId, bool> grains) => _writes.Where(w => grains(w.Key)).Sum(w => w.Value);

    public void InstallIn(IServiceCollection services)
    {
        var real = services.Last(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, StorageNames.State));
        var create = real.KeyedImplementationFactory ?? throw new InvalidOperationException("The grain storage is expected to be registered by a factory.");
        services.Remove(real);
        services.AddKeyedSingleton<IGrainStorage>(StorageNames.State, (sp, key) => new Storage((IGrainStorage)create(sp, key), this));
    }

    public void Dispose() => _released.TrySetResult();

    private async Task FaultAsync(GrainId grain)
    {
        if (Hanging(grain))
        {
            await _released.Task;
        }

        if (Failing(grain))
        {
            throw new RequestFailedException(503, "The server is not answering (a test's outage).");
        }
    }

    private sealed class Storage(IGrainStorage inner, GrainStorageFaults faults) : IGrainStorage
    {
        public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            await faults.FaultAsync(grainId);
            await inner.ReadStateAsync(stateName, grainId, grainState);
        }

        public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            await faults.FaultAsync(grainId);
            await inner.WriteStateAsync(stateName, grainId, grainState);
            faults._writes.AddOrUpdate(grainId, 1, (_, n) => n + 1);
        }

        public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            await faults.FaultAsync(grainId);
            await inner.ClearStateAsync(stateName, grainId, grainState);
        }
    }
}
