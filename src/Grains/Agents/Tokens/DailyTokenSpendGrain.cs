using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Grains.Agents.Tokens;

/// <summary>The tokens the whole service spent on model calls in one UTC day (one grain for the cluster).</summary>
[Alias("Switchboard.IDailyTokenSpendGrain")]
public interface IDailyTokenSpendGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a silo's spend to <paramref name="day"/>'s and returns that day's total.</summary>
    [Alias("Add")]
    Task<long> Add(DateOnly day, long tokens);
}

/// <summary>
/// Stored, so a restart does not hand out a fresh day's budget; written at most once a second (each silo reports once
/// a second), so a crash forgets at most a second's spend.
/// </summary>
public sealed class DailyTokenSpendGrain(
    [PersistentState("token-spend", StorageNames.State)] IPersistentState<DailyTokenSpendState> state,
    IOptions<AgentOptions> options,
    ILogger<DailyTokenSpendGrain> logger)
    : Grain, IDailyTokenSpendGrain
{
    private CoalescedSave<DailyTokenSpendState>? _save;

    private CoalescedSave<DailyTokenSpendState> Save => _save ??= new(this, state, TimeSpan.FromSeconds(1));

    public async Task<long> Add(DateOnly day, long tokens)
    {
        var spend = state.State;
        if (day > spend.Day)
        {
            (spend.Day, spend.Tokens, spend.Told) = (day, 0, false);
        }
        else if (day < spend.Day)
        {
            return 0; // a report from before midnight that arrived after another silo's first of the new day
        }

        if (tokens > 0)
        {
            spend.Tokens += tokens;
            Save.Soon();
        }

        if (options.Value.DailyTokenBudget is { } limit && spend.Tokens >= limit && !spend.Told)
        {
            spend.Told = true; // logged once a day, and stored at once
            TokenLog.DailyBudgetSpent(logger, limit, spend.Tokens, day);
            await Save.NowAsync();
        }

        return spend.Tokens;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Save.FlushAsync();
}

[GenerateSerializer, Alias("Switchboard.DailyTokenSpendState")]
public sealed class DailyTokenSpendState
{
    /// <summary>The UTC day counted.</summary>
    [Id(0)] public DateOnly Day { get; set; }

    [Id(1)] public long Tokens { get; set; }

    /// <summary>The spent budget was logged for this day.</summary>
    [Id(2)] public bool Told { get; set; }
}
