using Microsoft.Extensions.Options;

namespace Switchboard.Grains.Agents.Tokens;

/// <summary>
/// This silo's view of Agents:DailyTokenBudget, spent by the whole service in one UTC day. Model calls ask it and
/// charge it in memory, never through a grain call; <see cref="DailyTokenBudgetReporter"/> adds this silo's spend to
/// <see cref="IDailyTokenSpendGrain"/> once a second and brings back the cluster's total. So the cluster may overrun the
/// budget by what the other silos spend in about a second; this silo's own spend counts at once.
/// </summary>
public sealed class DailyTokenBudget(IOptions<AgentOptions> options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private DateOnly _day;
    private long _reported;
    private long _unreported;

    /// <summary>Agents:DailyTokenBudget, when a model is in use (the rules spend nothing).</summary>
    public long? Limit => options.Value.UsesModel ? options.Value.DailyTokenBudget : null;

    /// <summary>Today's budget is spent: model steps are answered by the rules until the next UTC day.</summary>
    public bool IsSpent
    {
        get
        {
            if (Limit is not { } limit)
            {
                return false;
            }

            lock (_lock)
            {
                Roll();
                return _reported + _unreported >= limit;
            }
        }
    }

    public void Spend(long tokens)
    {
        lock (_lock)
        {
            Roll();
            _unreported += tokens;
        }
    }

    /// <summary>This silo's spend since the last report, handed to the reporter (and no longer held here).</summary>
    public (DateOnly Day, long Tokens) TakeUnreported()
    {
        lock (_lock)
        {
            Roll();
            var taken = (_day, _unreported);
            _unreported = 0;
            return taken;
        }
    }

    /// <summary>The cluster's total for <paramref name="day"/>, this silo's reported spend included.</summary>
    public void Reported(DateOnly day, long total)
    {
        lock (_lock)
        {
            if (day == _day)
            {
                _reported = total;
            }
        }
    }

    /// <summary>A report that did not arrive: its tokens are sent with the next.</summary>
    public void NotReported(DateOnly day, long tokens)
    {
        lock (_lock)
        {
            if (day == _day)
            {
                _unreported += tokens;
            }
        }
    }

    /// <summary>A new UTC day starts from nothing (spend of the last second before midnight that was not yet reported is dropped).</summary>
    private void Roll()
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (today != _day)
        {
            (_day, _reported, _unreported) = (today, 0, 0);
        }
    }
}
