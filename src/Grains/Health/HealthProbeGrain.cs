using Switchboard.Contracts;

namespace Switchboard.Grains.Health;

/// <summary>Each check writes a timestamp: proves a silo serves grains and grain storage accepts writes.</summary>
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
