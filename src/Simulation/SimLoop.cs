namespace Switchboard.Simulation;

/// <summary>
/// The simulated machine's one thread: a clock that jumps from event to event, and the continuations of the simulated
/// grains' awaits, run in the order they were posted. Nothing here reads the wall clock or uses the thread pool, so a
/// schedule runs the same way every time.
/// </summary>
internal sealed class SimLoop : SynchronizationContext
{
    public static readonly DateTimeOffset Epoch = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly PriorityQueue<Action, (long At, long Seq)> _timed = new();
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _ready = new();
    private long _seq;

    /// <summary>Milliseconds since the start of the schedule.</summary>
    public long Now { get; private set; }

    public DateTimeOffset Clock => Epoch + TimeSpan.FromMilliseconds(Now);

    public override void Post(SendOrPostCallback d, object? state) => _ready.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("the simulation never blocks");

    /// <summary>Runs <paramref name="action"/> after <paramref name="delayMs"/> of simulated time.</summary>
    public void At(long delayMs, Action action) => _timed.Enqueue(action, (Now + Math.Max(0, delayMs), _seq++));

    /// <summary>A task that completes after <paramref name="delayMs"/> of simulated time.</summary>
    public Task Delay(long delayMs)
    {
        var done = new TaskCompletionSource();
        At(delayMs, () => done.TrySetResult());
        return done.Task;
    }

    /// <summary>Runs everything due up to <paramref name="untilMs"/>.</summary>
    public void Run(long untilMs)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            while (true)
            {
                while (_ready.TryDequeue(out var ready))
                {
                    ready.Callback(ready.State);
                }

                if (!_timed.TryPeek(out var action, out var due) || due.At > untilMs)
                {
                    break;
                }

                _timed.Dequeue();
                Now = due.At;
                action();
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
