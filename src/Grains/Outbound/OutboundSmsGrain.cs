using Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Summary;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Grains.Outbound;

/// <summary>
/// One outbound SMS: the shell around <see cref="SendGate"/> and <see cref="DeliveryLedger"/>, which decide; this grain
/// persists, schedules and calls. The intent is written before Twilio is called (one write that also marks the first
/// attempt), each answer after it. Once Twilio's acceptance is recorded the message is never sent again, and an
/// attempt whose answer was lost is looked up in Twilio's message list before anything is sent again.
/// </summary>
/// <remarks>
/// Who wakes a pending message after a restart or a collection: its own reminder once it has to retry (or when nobody
/// watches it); before that, the sender's: the conversation's reminder looks at its last reply until it settled, and a
/// message waiting behind an earlier one asks that one at each attempt (<see cref="SettledOrWake"/>), which loads it,
/// makes it look again, and wakes the waiting one when it settles. A message ends only after the one before it.
/// </remarks>
// A settled message hears at most a few status callbacks, within seconds.
[CollectionAgeLimit(Minutes = 2)]
public sealed class OutboundSmsGrain(
    [FromKeyedServices(StorageNames.State)] IGrainStorage storage,
    ISmsSender sender,
    IOptions<OutboundOptions> options,
    IOptions<TwilioOptions> twilio,
    TimeProvider time,
    SiloActivity activity,
    ILogger<OutboundSmsGrain> logger)
    : Grain, IOutboundSmsGrain, IRemindable
{
    /// <summary>The state's name, the start of every message's row key (the retention sweep queries it).</summary>
    public const string StateName = "outbound";

    private readonly GrainReminderHandle _reminder = new("outbound-retry", options.Value.ReminderPeriod);

    /// <summary>Messages waiting behind this one, woken when it settles (a lost wake is made up by their watchers).</summary>
    private readonly HashSet<string> _successors = [];

    private IGrainTimer? _attemptTimer;
    private bool _retryingCounted;

    /// <summary>Send's write marked the first attempt in flight: nothing is unknown before it, it needs no write of its own.</summary>
    private bool _attemptMarked;

    /// <summary>A change is being written, or its write failed: until it is stored, the message has not settled for anyone asking.</summary>
    private bool _storageBehind;

    private LazyGrainState<OutboundState>? _state;

    /// <summary>Read on first need, not on activation: a new message's first call is <see cref="Send"/>, whose insert needs no read.</summary>
    private LazyGrainState<OutboundState> state => _state ??= new(storage, StateName, this);

    private OutboundState State => state.State;
    private DeliveryLedger Ledger => new(State, options.Value);
    private string Id => this.GetPrimaryKeyString();
    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Whoever wakes a pending message after a restart resumes its attempts: every entry point loads it first.</summary>
    private async Task EnsureLoadedAsync()
    {
        if (await state.EnsureLoadedAsync())
        {
            ScheduleIfIdle();
        }

        CountRetrying();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        CountRetrying(active: false);
        return Task.CompletedTask;
    }

    public async Task Send(OutboundSms message)
    {
        if (state.IsLoaded && State.Message is not null)
        {
            return; // Already asked: the same id always means the same message.
        }

        if (!message.WatchedBySender)
        {
            await _reminder.HoldAsync(this); // before the write: a message stored pending always has its wake-up
        }

        var now = Now;
        await state.WaitIdleAsync();
        var loadedHere = !state.IsLoaded;
        if (!(loadedHere && await state.TryCreateAsync(s => DeliveryLedger.Create(s, message, now))))
        {
            if (State.Message is not null)
            {
                if (loadedHere)
                {
                    ScheduleIfIdle(); // asked before this activation (a hand-off repeated after a crash)
                }

                return;
            }

            DeliveryLedger.Create(State, message, now);
            await WriteAsync();
        }

        _attemptMarked = true;
        ScheduleAttempt(TimeSpan.Zero);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await EnsureLoadedAsync();
        _reminder.MarkHeld();
        if (!Ledger.IsPending)
        {
            await _reminder.ReleaseAsync(this); // done, or a Send whose write failed left the reminder behind
        }

        ScheduleIfIdle(); // after a restart, or a wake that never came
    }

    public async Task<bool> SettledOrWake(string successorId)
    {
        await EnsureLoadedAsync();
        if (!Ledger.IsPending && !_storageBehind)
        {
            return true;
        }

        // Asked means watched: a message waiting behind another makes that one look again at the one before it, so a
        // wake lost on the way (a collection, a failed write) is made up by whoever watches the last one.
        _successors.Add(successorId);
        ScheduleIfIdle();
        return false;
    }

    public async Task Wake()
    {
        await EnsureLoadedAsync();
        ScheduleIfIdle();
    }

    private void ScheduleIfIdle()
    {
        if (_attemptTimer is null && Ledger.IsPending)
        {
            ScheduleAttempt(Delay(State.NextAttemptAt));
        }
    }

    private void ScheduleAttempt(TimeSpan dueTime)
    {
        _attemptTimer?.Dispose();
        _attemptTimer = this.RegisterGrainTimer(_ => AttemptAsync(), new GrainTimerCreationOptions { DueTime = dueTime, Period = Timeout.InfiniteTimeSpan });
    }

    /// <summary>
    /// One attempt, on the grain timer. Every way out records a result, schedules the next attempt, waits to be woken,
    /// or (a failed state write) drops the activation, whose successor resumes when first called.
    /// </summary>
    private async Task AttemptAsync()
    {
        _attemptTimer?.Dispose();
        _attemptTimer = null;
        if (!Ledger.IsPending)
        {
            return;
        }

        if (Delay(State.NextAttemptAt) is var early && early > TimeSpan.Zero)
        {
            ScheduleAttempt(early); // timers may fire a tick early; a Retry-After is a promise
            return;
        }

        GateDecision gate;
        try
        {
            var contact = await GrainFactory.GetGrain<IConversationGrain>(State.Message!.To).GetContact();
            var settled = State.Message.After is not { } previous || await GrainFactory.GetGrain<IOutboundSmsGrain>(previous).SettledOrWake(Id);
            gate = SendGate.Decide(State.Message, contact, settled, Now, twilio.Value);
        }
        catch (Exception ex)
        {
            // The conversation or the previous message is out of reach (a silo just died): ask again shortly.
            OutboundLog.CheckFailed(logger, PhoneMask.MaskNumbersIn(Id), PhoneMask.Describe(ex));
            await RetryAtAsync(Now + options.Value.InitialBackoff);
            return;
        }

        switch (gate)
        {
            case GateDecision.Wait when _attemptMarked:
                _attemptMarked = false;
                Ledger.Unmark(); // the marked first attempt did not start; stored with the next write
                return;
            case GateDecision.Wait:
                return; // woken by the previous message when it settles, else by whoever watches this one
            case GateDecision.Suppress:
                Ledger.End(DeliveryStatus.Suppressed); // the person texted STOP after this message was written
                await EndedAsync();
                return;
            case GateDecision.NotSent(var reason):
                Ledger.End(DeliveryStatus.NotSent, notSentReason: reason);
                SwitchboardMetrics.OutboundFailed.Add(1);
                OutboundLog.NotSent(logger, PhoneMask.MaskNumbersIn(Id), reason);
                await EndedAsync();
                return;
            case GateDecision.Send(var toSend):
                await AttemptSendAsync(toSend);
                return;
        }
    }

    private async Task AttemptSendAsync(OutboundSms toSend)
    {
        if (!_attemptMarked)
        {
            if (Ledger.UnknownSince is { } since && !await NothingArrivedSinceAsync(toSend, since))
            {
                return; // found and adopted, or it could not be looked up (recorded), or it used the last attempt
            }

            Ledger.BeginAttempt(Now); // written before the call: a crash during it is known afterwards
            await WriteAsync();
        }

        _attemptMarked = false;
        var result = await SmsAttempt.SendAsync(sender, Id, toSend, State.Message!.TraceParent, State.Attempts.Count + 1, logger);
        await RecordedAsync(Ledger.Record(result, toSend, Now, Random.Shared.NextDouble()), result);
    }

    /// <summary>
    /// Reconciliation: an earlier attempt's answer was lost, so before sending again ask Twilio which messages it took
    /// for this one since then. True when nothing arrived and the attempt may go; otherwise the outcome is recorded.
    /// </summary>
    private async Task<bool> NothingArrivedSinceAsync(OutboundSms toSend, DateTimeOffset since)
    {
        string? sid;
        try
        {
            sid = await sender.FindSentAsync(Id, toSend, since);
        }
        catch (Exception ex)
        {
            OutboundLog.LookupFailed(logger, PhoneMask.MaskNumbersIn(Id), PhoneMask.Describe(ex));
            var failure = DeliveryLedger.LookupFailure(PhoneMask.Describe(ex));
            await RecordedAsync(Ledger.Record(failure, toSend, Now, Random.Shared.NextDouble()), failure);
            return false;
        }

        if (sid is not null)
        {
            Ledger.Adopt(sid, Now);
            OutboundLog.Adopted(logger, PhoneMask.MaskNumbersIn(Id), sid);
        }
        else if (Ledger.NothingArrived(Now))
        {
            return true; // written with the attempt that follows
        }

        await RecordedAsync(next: null, SendResult.Unknown(DeliveryLedger.InterruptedAttempt));
        return false;
    }

    /// <summary>After the ledger recorded an answer: the next attempt at <paramref name="next"/>, or the end.</summary>
    private async Task RecordedAsync(DateTimeOffset? next, SendResult result)
    {
        if (next is { } at)
        {
            SmsAttempt.Retrying(logger, Id, State, result, at);
            await RetryAtAsync(at);
            return;
        }

        SmsAttempt.Ended(logger, Id, State, result);
        await EndedAsync();
    }

    /// <summary>Writes the state that schedules the next attempt, which then survives a restart on its own reminder.</summary>
    private async Task RetryAtAsync(DateTimeOffset at)
    {
        State.NextAttemptAt = at;
        await WriteAsync();
        CountRetrying();
        ScheduleAttempt(Delay(at));
        await _reminder.HoldAsync(this);
    }

    /// <summary>
    /// What every way a message ends shares, once the ledger says so: the write, no further attempt, no longer counted
    /// as retrying, its reminder released, a failure indexed for operators, and the messages waiting behind it woken.
    /// </summary>
    private async Task EndedAsync()
    {
        _attemptTimer?.Dispose();
        _attemptTimer = null;
        _attemptMarked = false;
        await WriteAsync();
        CountRetrying();
        try
        {
            await _reminder.ReleaseAsync(this);
        }
        catch (Exception ex)
        {
            OutboundLog.ReminderReleaseFailed(logger, PhoneMask.MaskNumbersIn(Id), PhoneMask.Describe(ex)); // its next tick releases it
        }

        if (Ledger.IsFailed && State.Message is { } message)
        {
            await FailedRepliesIndex.AddAsync(GrainFactory, new FailedReply(Id, message.To, State.Status, State.ErrorCode, State.Attempts.Count, Now), logger);
        }

        foreach (var waiting in _successors)
        {
            GrainFactory.GetGrain<IOutboundSmsGrain>(waiting).Wake().Ignore();
        }

        _successors.Clear();
    }

    public async Task EraseBody()
    {
        await EnsureLoadedAsync();
        if (State.Message is { Body.Length: > 0 } message)
        {
            State.Message = message with { Body = "" };
            if (Ledger.IsPending)
            {
                Ledger.End(DeliveryStatus.Suppressed); // erased before it went out: never sent
                await EndedAsync();
            }
            else
            {
                await WriteAsync();
            }
        }

        // Always, even when this text was already gone: an earlier erasure may have stopped before reaching them all.
        await Task.WhenAll(State.ResentAs.Select(id => GrainFactory.GetGrain<IOutboundSmsGrain>(id).EraseBody()));
    }

    public async Task<string?> Resend()
    {
        await EnsureLoadedAsync();
        if (State.Message is not { Body.Length: > 0 } message || !Ledger.IsFailed)
        {
            return null; // no text to send, or it did not fail: a delivered message is never sent twice
        }

        // Recorded before the copy exists, and this grain is busy until the copy is stored: an erasure of this message
        // (which waits for it) always finds the copy and erases its text too.
        var resendId = OutboundId.ForResend(Id);
        State.ResentAs.Add(resendId);
        await WriteAsync();
        await GrainFactory.GetGrain<IOutboundSmsGrain>(resendId).Send(new OutboundSms(message.To, message.Body, "resend") { ResendOf = Id, Channel = message.Channel });
        return resendId;
    }

    public async Task RecordStatus(string twilioStatus, string? errorCode, string? twilioSid)
    {
        await EnsureLoadedAsync();
        var wasFailed = Ledger.IsFailed;
        if (State.Message is null || !TwilioStatusReport.Apply(State, twilioStatus, errorCode, twilioSid))
        {
            return;
        }

        await EndedAsync();
        if (wasFailed && !Ledger.IsFailed)
        {
            // Given up on, yet Twilio had it and delivered it: no longer a failed reply for operators to resend.
            await GrainFactory.GetGrain<IFailedRepliesGrain>(IFailedRepliesGrain.Key).Remove(Id);
        }
    }

    public async Task<OutboundView?> GetView()
    {
        await EnsureLoadedAsync();
        return State.View(Id);
    }

    private async Task WriteAsync()
    {
        _storageBehind = true;
        await state.WriteOrReloadAsync();
        _storageBehind = false;
    }

    /// <summary>Keeps the silo's count in step with the state: pending after at least one attempt is retrying.</summary>
    private void CountRetrying(bool active = true)
    {
        var retrying = active && State is { Status: DeliveryStatus.Pending, Attempts.Count: > 0 };
        if (retrying != _retryingCounted)
        {
            _retryingCounted = retrying;
            activity.AddRetrying(retrying ? 1 : -1);
        }
    }

    private TimeSpan Delay(DateTimeOffset? at) => at is { } due && due > Now ? due - Now : TimeSpan.Zero;
}
