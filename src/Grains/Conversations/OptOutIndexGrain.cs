using Switchboard.Contracts;

namespace Switchboard.Grains.Conversations;

/// <inheritdoc cref="IOptOutIndexGrain"/>
public sealed class OptOutIndexGrain(
    [PersistentState("opt-outs", StorageNames.State)] IPersistentState<OptOutIndexState> state)
    : Grain, IOptOutIndexGrain
{
    public async Task Set(string phone, bool optedOut)
    {
        var numbers = state.State.Numbers;
        var changed = optedOut
            ? numbers.Count < IOptOutIndexGrain.Kept && numbers.Add(phone)
            : numbers.Remove(phone);
        if (changed)
        {
            await state.WriteOrReloadAsync(this);
        }
    }

    public Task<int> Count() => Task.FromResult(state.State.Numbers.Count);
}

[GenerateSerializer, Alias("Switchboard.OptOutIndexState")]
public sealed class OptOutIndexState
{
    [Id(0)] public HashSet<string> Numbers { get; set; } = new(StringComparer.Ordinal);
}
