using Switchboard.Contracts;
using Switchboard.Grains.Outbound;

namespace Switchboard.Simulation;

/// <summary>
/// <see cref="OutboundSmsGrain"/>'s shell, step for step, on the simulated runtime: the same <see cref="SendGate"/>,
/// <see cref="DeliveryLedger"/> and <see cref="TwilioStatusReport"/> decide; only persistence, timers, reminders and
/// calls are the simulation's. Keep the two in step: a change to the grain's order of effects belongs here too.
/// </summary>
internal sealed class SimOutbound(SimRuntime runtime, string key, SimStorage storage, SimTwilio twilio, OutboundOptions options, TwilioOptions twilioOptions)
    : SimGrain(runtime, key)
{
    private const string RetryReminder = "outbound-retry";

    private readonly HashSet<string> _successors = [];
    private OutboundState _state = new();
    private int _etag;
    private bool _loaded;
    private bool _reminderHeld;
    private SimTimer? _attemptTimer;
    private bool _attemptMarked;
    private bool _storageBehind;

    private string StorageKey => "outbound/" + Key;
    private DeliveryLedger Ledger => new(_state, options);

    private async Task EnsureLoadedAsync()
    {
        if (_loaded)
        {
            return;
        }

        (_state, _etag) = await storage.ReadAsync<OutboundState>(StorageKey);
        if (_loaded)
        {
            return; // another interleaved caller loaded it meanwhile
        }

        _loaded = true;
        if (Ledger.IsPending)
        {
            ScheduleAttempt(Delay(_state.NextAttemptAt));
        }
    }

    public async Task Send(OutboundSms message)
    {
        if (_loaded && _state.Message is not null)
        {
            return;
        }

        if (!message.WatchedBySender)
        {
            await HoldAsync();
        }

        var now = World.Now;
        var loadedHere = !_loaded;
        var created = false;
        if (loadedHere)
        {
            var fresh = new OutboundState();
            DeliveryLedger.Create(fresh, message, now);
            try
            {
                _etag = await storage.WriteAsync(StorageKey, fresh, etag: 0);
                (_state, _loaded, created) = (fresh, true, true);
            }
            catch (StorageException ex) when (ex.Message.StartsWith("ETag", StringComparison.Ordinal))
            {
                (_state, _etag) = await storage.ReadAsync<OutboundState>(StorageKey);
                _loaded = true;
            }
            catch
            {
                DeactivateOnIdle();
                throw;
            }
        }

        if (!created)
        {
            if (_state.Message is not null)
            {
                if (loadedHere && Ledger.IsPending)
                {
                    ScheduleAttempt(Delay(_state.NextAttemptAt));
                }

                return;
            }

            DeliveryLedger.Create(_state, message, now);
            await WriteAsync();
        }

        _attemptMarked = true;
        ScheduleAttempt(0);
    }

    public override async Task ReceiveReminderAsync()
    {
        World.Trace($"{Key}: reminder");
        await EnsureLoadedAsync();
        _reminderHeld = true;
        if (!Ledger.IsPending)
        {
            await ReleaseAsync();
        }
        else if (_attemptTimer is null)
        {
            ScheduleAttempt(Delay(_state.NextAttemptAt));
        }
    }

    public async Task<bool> SettledOrWake(string successorId)
    {
        await EnsureLoadedAsync();
        if (Ledger.IsPending || _storageBehind)
        {
            // Asked means watched: a message waiting in its turn behind another looks again at the one before it,
            // so a wake lost on the way (a collection, a failed write) is made up by whoever watches the last one.
            _successors.Add(successorId);
            if (_attemptTimer is null && Ledger.IsPending)
            {
                ScheduleAttempt(Delay(_state.NextAttemptAt));
            }

            return false;
        }

        return true;
    }

    public async Task Wake()
    {
        await EnsureLoadedAsync();
        if (Ledger.IsPending && _attemptTimer is null)
        {
            ScheduleAttempt(Delay(_state.NextAttemptAt));
        }
    }

    public async Task<DeliveryStatus?> GetStatus()
    {
        await EnsureLoadedAsync();
        return _state.Message is null ? null : _state.Status;
    }

    private void ScheduleAttempt(long dueMs)
    {
        _attemptTimer?.Dispose();
        _attemptTimer = Timer(dueMs, AttemptAsync);
    }

    private async Task AttemptAsync()
    {
        _attemptTimer?.Dispose();
        _attemptTimer = null;
        if (!Ledger.IsPending)
        {
            return;
        }

        if (Delay(_state.NextAttemptAt) is var early && early > 0)
        {
            ScheduleAttempt(early);
            return;
        }

        GateDecision gate;
        try
        {
            gate = await AskGateAsync(_state.Message!);
        }
        catch (Exception)
        {
            await RetryAtAsync(World.Now + options.InitialBackoff);
            return;
        }

        World.Trace($"{Key}: gate says {gate.GetType().Name}");
        switch (gate)
        {
            case GateDecision.Wait:
                if (_attemptMarked)
                {
                    _attemptMarked = false;
                    Ledger.Unmark();
                }

                return;
            case GateDecision.Suppress:
                Ledger.End(DeliveryStatus.Suppressed);
                await EndedAsync();
                return;
            case GateDecision.NotSent(var reason):
                Ledger.End(DeliveryStatus.NotSent, notSentReason: reason);
                await EndedAsync();
                return;
            case GateDecision.Send(var toSend):
                await AttemptSendAsync(toSend);
                return;
        }
    }

    private async Task<GateDecision> AskGateAsync(OutboundSms message)
    {
        var contact = await Runtime.Call<SimConversation, ChannelContact>(message.To, c => c.GetContact(), interleave: true);
        var settled = message.After is not { } previous
            || await Runtime.Call<SimOutbound, bool>(previous, o => o.SettledOrWake(Key), interleave: true);
        return SendGate.Decide(message, contact, settled, World.Now, twilioOptions);
    }

    private async Task AttemptSendAsync(OutboundSms toSend)
    {
        if (!_attemptMarked)
        {
            if (Ledger.UnknownSince is { } since && !await NothingArrivedSinceAsync(toSend, since))
            {
                return;
            }

            Ledger.BeginAttempt(World.Now);
            await WriteAsync();
        }

        _attemptMarked = false;
        SendResult result;
        try
        {
            result = await twilio.SendAsync(Key, toSend);
        }
        catch (Exception ex)
        {
            result = SendResult.Unknown(ex.Message);
        }

        World.Trace($"{Key}: attempt answered {result.Outcome} {result.HttpStatus}");
        if (Ledger.Record(result, toSend, World.Now, jitter: 0.5) is { } at)
        {
            await RetryAtAsync(at);
            return;
        }

        await EndedAsync();
    }

    private async Task<bool> NothingArrivedSinceAsync(OutboundSms toSend, DateTimeOffset since)
    {
        string? sid;
        try
        {
            sid = await twilio.FindSentAsync(toSend, since);
        }
        catch (Exception ex)
        {
            var next = Ledger.Record(DeliveryLedger.LookupFailure(ex.Message), toSend, World.Now, jitter: 0.5);
            await (next is { } at ? RetryAtAsync(at) : EndedAsync());
            return false;
        }

        World.Trace($"{Key}: lookup since {since:HH:mm:ss} found {sid ?? "nothing"}");
        if (sid is not null)
        {
            Ledger.Adopt(sid, World.Now);
            await EndedAsync();
            return false;
        }

        if (Ledger.NothingArrived(World.Now))
        {
            return true;
        }

        await EndedAsync();
        return false;
    }

    private async Task RetryAtAsync(DateTimeOffset at)
    {
        _state.NextAttemptAt = at;
        await WriteAsync();
        ScheduleAttempt(Delay(at));
        await HoldAsync();
    }

    private async Task EndedAsync()
    {
        World.Trace($"{Key}: ended {_state.Status}, waking {_successors.Count}");
        _attemptTimer?.Dispose();
        _attemptTimer = null;
        _attemptMarked = false;
        await WriteAsync();
        try
        {
            await ReleaseAsync();
        }
        catch (StorageException)
        {
            // its next tick releases it
        }

        foreach (var waiting in _successors)
        {
            Runtime.Tell<SimOutbound>(waiting, o => o.Wake());
        }

        _successors.Clear();
    }

    public async Task EraseBody()
    {
        await EnsureLoadedAsync();
        if (_state.Message is { Body.Length: > 0 } message)
        {
            _state.Message = message with { Body = "" };
            if (Ledger.IsPending)
            {
                Ledger.End(DeliveryStatus.Suppressed);
                await EndedAsync();
            }
            else
            {
                await WriteAsync();
            }
        }
    }

    public async Task RecordStatus(string twilioStatus, string? twilioSid)
    {
        await EnsureLoadedAsync();
        if (_state.Message is null || !TwilioStatusReport.Apply(_state, twilioStatus, null, twilioSid))
        {
            return;
        }

        await EndedAsync();
    }

    private async Task WriteAsync()
    {
        _storageBehind = true;
        try
        {
            _etag = await storage.WriteAsync(StorageKey, _state, _etag);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }

        _storageBehind = false;
    }

    private async Task HoldAsync()
    {
        if (!_reminderHeld)
        {
            await HoldReminderAsync(RetryReminder);
            _reminderHeld = true;
        }
    }

    private async Task ReleaseAsync()
    {
        if (_reminderHeld)
        {
            _reminderHeld = false;
            await ReleaseReminderAsync(RetryReminder);
        }
    }

    private long Delay(DateTimeOffset? at) => Math.Max(0, (long)((at ?? World.Now) - World.Now).TotalMilliseconds);
}
