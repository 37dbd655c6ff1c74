namespace Switchboard.Simulation;

/// <summary>How many of each fault a run injected (the last line of simulate.sh reports them).</summary>
internal sealed class FaultCounts
{
    public static readonly string[] Kinds =
        ["crash", "collect", "storageFail", "storageHang", "twilioTimeoutAfterAccept", "redelivery", "statusOutOfOrder", "optOutMidTurn", "eraseMidTurn"];

    private readonly Dictionary<string, long> _counts = Kinds.ToDictionary(k => k, _ => 0L);

    public void Add(string kind) => _counts[kind]++;

    public long this[string kind] => _counts[kind];

    public void AddAll(FaultCounts other)
    {
        foreach (var kind in Kinds)
        {
            _counts[kind] += other[kind];
        }
    }
}

/// <summary>
/// The one simulated process and what lies outside it: the clock, the schedule's choices, and effects that leave the
/// process (a storage request, a Twilio call). An effect happens at its far end whatever becomes of the process; its
/// answer reaches the caller only if the process that asked is still the one running, so a crash loses answers, not
/// the effects.
/// </summary>
internal sealed class SimWorld(Schedule schedule)
{
    public SimLoop Loop { get; } = new();

    public ChoiceStream Choices { get; } = new(schedule.Choices);

    public FaultCounts Faults { get; } = new();

    public Schedule Schedule => schedule;

    /// <summary>The process incarnation: a crash starts the next one.</summary>
    public int Incarnation { get; private set; }

    /// <summary>False between a crash and the restart.</summary>
    public bool Up { get; private set; } = true;

    public event Action? Crashed;

    /// <summary>When storage hangs (start, end): a call may then wait past the response timeout without anything being wrong.</summary>
    public List<(long From, long To)> Hangs { get; } = [];

    /// <summary>Calls that timed out while storage answered and the process ran: grains waiting for each other.</summary>
    public List<string> Deadlocks { get; } = [];

    public DateTimeOffset Now => Loop.Clock;

    /// <summary>Where a replay with --trace writes what happens (null: nowhere).</summary>
    public Action<string>? TraceTo { get; set; }

    public void Trace(string what) => TraceTo?.Invoke($"{Loop.Now,9} ms  {what}");

    /// <summary>
    /// An effect outside the process: <paramref name="atFarEnd"/> runs after <paramref name="delayMs"/> whatever
    /// happens meanwhile; its result (or exception) is the answer, delivered only to the incarnation that asked.
    /// </summary>
    public Task<T> Effect<T>(long delayMs, Func<T> atFarEnd)
    {
        var answer = new TaskCompletionSource<T>();
        var asker = Incarnation;
        Loop.At(delayMs, () =>
        {
            T result;
            try
            {
                result = atFarEnd();
            }
            catch (Exception ex)
            {
                if (asker == Incarnation)
                {
                    answer.TrySetException(ex);
                }

                return;
            }

            if (asker == Incarnation)
            {
                answer.TrySetResult(result);
            }
        });
        return answer.Task;
    }

    /// <summary>The process dies: every activation and its unsaved state is gone; it restarts after a few seconds.</summary>
    public void Crash()
    {
        Faults.Add("crash");
        Trace("CRASH");
        Incarnation++;
        Up = false;
        Crashed?.Invoke();
        Loop.At(1_000 + (Choices.Draw() * 200), () => Up = true);
    }
}
