using Orleans.Placement;
using Switchboard.Contracts;

namespace Switchboard.Grains.Health;

/// <summary>
/// Each check writes a timestamp: proves a silo serves grains and grain storage accepts writes. Placed on the calling
/// silo (keys are per process, see <see cref="IHealthProbeGrain.KeyFor"/>), so a silo's /health and storage watch
/// probe through that silo itself.
/// </summary>
[PreferLocalPlacement]
public sealed class HealthProbeGrain(
    [PersistentState("probe", StorageNames.State)] IPersistentState<HealthProbeState> state,
    TimeProvider time) : Grain, IHealthProbeGrain
{
    public Task Check()
    {
        state.State.CheckedAt = time.GetUtcNow();
        return state.WriteStateAsync();
    }
}

[GenerateSerializer, Alias("Switchboard.HealthProbeState")]
public sealed class HealthProbeState
{
    [Id(0)] public DateTimeOffset CheckedAt { get; set; }
}
