namespace Switchboard.Grains;

/// <summary>
/// Writes a grain's state at most once per <c>delay</c>: changes made meanwhile share one write. For the one-per-service
/// counters every silo reports to (a reply budget, the day's token spend), where a write per call would be the hot
/// spot; a crash forgets at most one delay's changes.
/// </summary>
internal sealed class CoalescedSave<T>(IGrainBase grain, IPersistentState<T> state, TimeSpan delay)
{
    private IGrainTimer? _timer;

    /// <summary>A write within the delay (at most one pending).</summary>
    public void Soon() =>
        _timer ??= grain.RegisterGrainTimer(_ => NowAsync(), new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan });

    /// <summary>Writes now (what must not be forgotten, such as a spent budget), and drops the pending write.</summary>
    public async Task NowAsync()
    {
        _timer?.Dispose();
        _timer = null;
        await state.WriteOrReloadAsync(grain);
    }

    /// <summary>The pending write, if any (on deactivation).</summary>
    public Task FlushAsync() => _timer is null ? Task.CompletedTask : NowAsync();
}
