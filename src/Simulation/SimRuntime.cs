namespace Switchboard.Simulation;

/// <summary>
/// The simulated Orleans of one silo: one activation per grain key, turns that never interleave (except calls marked
/// so), a response timeout on every call, timers that die with their activation, reminders that survive in storage,
/// collection of idle activations, and deactivation on request. Just enough of Orleans' contract for the shells.
/// </summary>
internal sealed class SimRuntime
{
    public const long ResponseTimeoutMs = 30_000;
    public const long ReminderPeriodMs = 60_000;

    private readonly SimWorld _world;
    private readonly Func<SimRuntime, string, SimGrain> _create;
    private readonly SortedDictionary<string, SimGrain> _active = new(StringComparer.Ordinal);

    public SimRuntime(SimWorld world, Func<SimRuntime, string, SimGrain> create)
    {
        _world = world;
        _create = create;
        world.Crashed += () =>
        {
            foreach (var grain in _active.Values)
            {
                grain.Kill();
            }

            _active.Clear();
        };
        world.Loop.At(ReminderPeriodMs, TickReminders);
        world.Loop.At(500, Collect);
    }

    public SimWorld World => _world;

    /// <summary>Registered reminders ("key|name"): in storage, so they outlive every activation and crash.</summary>
    public SortedSet<string> Reminders { get; } = new(StringComparer.Ordinal);

    /// <summary>The activation that takes calls for <paramref name="key"/>, created (and activated) when there is none.</summary>
    public SimGrain Activation(string key)
    {
        if (_active.TryGetValue(key, out var grain) && !grain.Retired)
        {
            return grain;
        }

        var previous = grain;
        grain = _create(this, key);
        _world.Trace($"activate {key}");
        _active[key] = grain;
        grain.Start(previous?.Stopped ?? Task.CompletedTask);
        return grain;
    }

    internal void Forget(SimGrain grain)
    {
        if (_active.TryGetValue(grain.Key, out var current) && current == grain)
        {
            _active.Remove(grain.Key);
        }
    }

    /// <summary>A grain call: fails when the process is down, or after the response timeout.</summary>
    public Task<T> Call<TGrain, T>(string key, Func<TGrain, Task<T>> method, bool interleave = false) where TGrain : SimGrain
    {
        var answer = new TaskCompletionSource<T>();
        var caller = _world.Incarnation;
        if (!_world.Up)
        {
            answer.SetException(new InvalidOperationException("the silo is down"));
            return answer.Task;
        }

        _world.Loop.At(0, () =>
        {
            if (caller != _world.Incarnation)
            {
                return; // the message died with the process
            }

            Forward(Activation(key).Run(g => method((TGrain)g), interleave), answer, caller);
        });
        var sent = _world.Loop.Now;
        _world.Loop.At(ResponseTimeoutMs, () =>
        {
            if (answer.TrySetException(new TimeoutException($"no answer from {key}"))
                && caller == _world.Incarnation && !_world.Hangs.Any(h => h.From < _world.Loop.Now && h.To > sent))
            {
                _world.Deadlocks.Add($"deadlock: a call to {key} at {sent} ms got no answer in {ResponseTimeoutMs / 1000} s while storage answered");
            }
        });
        return answer.Task;
    }

    public Task Call<TGrain>(string key, Func<TGrain, Task> method, bool interleave = false) where TGrain : SimGrain =>
        Call<TGrain, bool>(key, async g => { await method(g); return true; }, interleave);

    /// <summary>A one-way call: nobody waits for it.</summary>
    public void Tell<TGrain>(string key, Func<TGrain, Task> method) where TGrain : SimGrain => _ = Call(key, method);

    private async void Forward<T>(Task<T> work, TaskCompletionSource<T> answer, int caller)
    {
        try
        {
            var result = await work;
            if (caller == _world.Incarnation)
            {
                answer.TrySetResult(result);
            }
        }
        catch (Exception ex)
        {
            if (caller == _world.Incarnation)
            {
                answer.TrySetException(ex);
            }
        }
    }

    private void TickReminders()
    {
        _world.Loop.At(ReminderPeriodMs, TickReminders);
        if (!_world.Up)
        {
            return;
        }

        foreach (var reminder in Reminders.ToList())
        {
            var key = reminder[..reminder.IndexOf('|')];
            _ = Call<SimGrain>(key, g => g.ReceiveReminderAsync());
        }
    }

    /// <summary>Now and then an idle activation is collected: Orleans may do so at any idle moment.</summary>
    private void Collect()
    {
        _world.Loop.At(500, Collect);
        if (!_world.Up || _world.Choices.Draw() != Schedule.MaxChoice)
        {
            return;
        }

        var idle = _active.Values.Where(g => g.Idle).ToList();
        if (idle.Count > 0)
        {
            _world.Faults.Add("collect");
            var victim = idle[_world.Choices.Draw() % idle.Count];
            _world.Trace($"collect {victim.Key}");
            victim.Deactivate();
        }
    }
}

/// <summary>One activation: its turns run one at a time, in the order they were called.</summary>
internal abstract class SimGrain(SimRuntime runtime, string key)
{
    private readonly int _incarnation = runtime.World.Incarnation;
    private readonly TaskCompletionSource _stopped = new();
    private Task _activated = Task.CompletedTask;
    private Task _tail = Task.CompletedTask;
    private int _busy;
    private TaskCompletionSource? _whenIdle;
    private bool _deactivating;
    private bool _deactivateOnIdle;

    public string Key => key;

    protected SimRuntime Runtime => runtime;

    protected SimWorld World => runtime.World;

    /// <summary>Dead with its process, or collected: its timers and late answers do nothing.</summary>
    public bool Dead => _incarnation != runtime.World.Incarnation || _stopped.Task.IsCompleted;

    /// <summary>No longer takes calls: a new activation takes the next ones, once this one has stopped.</summary>
    public bool Retired => Dead || _deactivating;

    public bool Idle => !Retired && _busy == 0 && _tail.IsCompleted && _activated.IsCompletedSuccessfully;

    public Task Stopped => _stopped.Task;

    internal void Start(Task previousStopped)
    {
        _activated = ActivateAfterAsync(previousStopped);
        _tail = _activated;
    }

    private async Task ActivateAfterAsync(Task previousStopped)
    {
        await previousStopped;
        try
        {
            await OnActivateAsync();
        }
        catch
        {
            _deactivating = true; // a failed activation takes no calls; the next call activates again
            runtime.Forget(this);
            _stopped.TrySetResult();
            throw;
        }
    }

    protected virtual Task OnActivateAsync() => Task.CompletedTask;

    protected virtual Task OnDeactivateAsync() => Task.CompletedTask;

    public abstract Task ReceiveReminderAsync();

    internal Task<T> Run<T>(Func<SimGrain, Task<T>> method, bool interleave, bool forward = true)
    {
        if (interleave)
        {
            return RunInterleavedAsync(method);
        }

        var turn = RunTurnAsync(_tail, method, forward);
        _tail = turn;
        return turn;
    }

    private async Task<T> RunInterleavedAsync<T>(Func<SimGrain, Task<T>> method)
    {
        await _activated;
        return await method(this);
    }

    private async Task<T> RunTurnAsync<T>(Task previous, Func<SimGrain, Task<T>> method, bool forward)
    {
        try
        {
            await previous;
        }
        catch
        {
            // that turn's caller saw it
        }

        await _activated;
        if (Retired)
        {
            // A call goes to the next activation; a timer's tick dies with its own.
            return forward ? await runtime.Activation(key).Run(method, interleave: false) : default!;
        }

        _busy++;
        try
        {
            return await method(this);
        }
        finally
        {
            if (--_busy == 0)
            {
                var waiting = _whenIdle;
                _whenIdle = null;
                waiting?.TrySetResult();
                if (_deactivateOnIdle)
                {
                    Deactivate();
                }
            }
        }
    }

    /// <summary>Orleans' DeactivateOnIdle: once the running turn ends, the activation goes (its state reloaded by the next).</summary>
    protected void DeactivateOnIdle()
    {
        _deactivateOnIdle = true;
        if (_busy == 0)
        {
            Deactivate();
        }
    }

    internal void Deactivate()
    {
        if (Retired)
        {
            return;
        }

        _deactivating = true;
        _ = StopAsync();
    }

    /// <summary>Waits for the turn running now; turns queued behind it go to the next activation.</summary>
    private async Task StopAsync()
    {
        if (_busy > 0)
        {
            _whenIdle ??= new TaskCompletionSource();
            await _whenIdle.Task;
        }

        try
        {
            await OnDeactivateAsync();
        }
        catch
        {
            // a failed save on the way out is only lost work: it runs again
        }

        runtime.Forget(this);
        _stopped.TrySetResult();
    }

    internal void Kill() => _stopped.TrySetResult();

    /// <summary>A grain timer: one turn after <paramref name="dueMs"/>, unless disposed or the activation is gone.</summary>
    protected SimTimer Timer(long dueMs, Func<Task> callback)
    {
        var timer = new SimTimer();
        World.Loop.At(dueMs, () =>
        {
            if (!timer.Disposed && !Retired)
            {
                _ = Run(async _ =>
                {
                    if (!timer.Disposed)
                    {
                        await callback();
                    }

                    return true;
                }, interleave: false, forward: false);
            }
        });
        return timer;
    }

    /// <summary>Registers a reminder: a storage request, which can fail.</summary>
    protected Task HoldReminderAsync(string name) => World.Effect(2, () =>
    {
        SimStorage.MaybeFail(World, "reminder");
        return Runtime.Reminders.Add($"{Key}|{name}");
    });

    protected Task ReleaseReminderAsync(string name) => World.Effect(2, () =>
    {
        SimStorage.MaybeFail(World, "reminder");
        return Runtime.Reminders.Remove($"{Key}|{name}");
    });
}

internal sealed class SimTimer : IDisposable
{
    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}
