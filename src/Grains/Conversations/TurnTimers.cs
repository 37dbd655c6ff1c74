namespace Switchboard.Grains.Conversations;

/// <summary>
/// A conversation's two timers, each armed for the turn as it is then and doing nothing if the turn has moved on
/// (another step, attempt or message): the step timer (a step's run, its retry, a worker's overdue answer, a finish
/// tried again) and the "working on it" timer. Grain timers die with the activation; the wake-up reminder outlives it.
/// </summary>
internal sealed class TurnTimers(IGrainBase grain, Func<ActiveTurn?> currentTurn)
{
    private IGrainTimer? _step;
    private IGrainTimer? _interim;

    public void Arm(TimeSpan dueTime, ActiveTurn turn, Func<Task> action)
    {
        Cancel();
        var (sid, stepIndex, attempt) = (turn.Context.MessageSid, turn.StepIndex, turn.StepAttempt);
        _step = grain.RegisterGrainTimer(
            _ => currentTurn() is { } current && current.Context.MessageSid == sid && current.StepIndex == stepIndex && current.StepAttempt == attempt
                ? action()
                : Task.CompletedTask,
            new GrainTimerCreationOptions { DueTime = dueTime, Period = Timeout.InfiniteTimeSpan });
    }

    public void Cancel()
    {
        _step?.Dispose();
        _step = null;
    }

    /// <summary>Arms the "working on it" message once per turn, due <paramref name="after"/> the turn started.</summary>
    public void ArmInterim(ActiveTurn turn, TimeSpan after, DateTimeOffset now, Func<string, Task> send)
    {
        if (_interim is not null || turn.InterimSent)
        {
            return;
        }

        var due = turn.StartedAt + after - now;
        var sid = turn.Context.MessageSid;
        _interim = grain.RegisterGrainTimer(_ => send(sid), new GrainTimerCreationOptions { DueTime = due > TimeSpan.Zero ? due : TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
    }

    public void StopInterim()
    {
        _interim?.Dispose();
        _interim = null;
    }

    public void StopAll()
    {
        Cancel();
        StopInterim();
    }
}
