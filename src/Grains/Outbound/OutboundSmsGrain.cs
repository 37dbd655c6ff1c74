using System.Diagnostics;
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
/// watches it); before that, the sender's: the conversation's reminder looks at its last message until it settled,
/// and a message waiting behind an earlier one asks that one at each attempt (<see cref="SettledOrWake"/>), which
/// loads it and wakes the waiting one when it settles.
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

    private const string RetryReminder = "outbound-retry";

    private readonly GrainReminderHandle _reminder = new(RetryReminder, options.Value.ReminderPeriod);

    /// <summary>Messages waiting behind this one, woken when it settles (a lost wake is made up by their watchers).</summary>
    private readonly HashSet<string> _successors = [];

    private IGrainTimer? _attemptTimer;

    /// <summary>This activation is counted among the silo's replies retrying (GET /admin/summary).</summary>
    private bool _retryingCounted;

    /// <summary>Send's write marked the first attempt in flight: nothing is unknown before it, it needs no write of its own.</summary>
    private bool _attemptMarked;

    /// <summary>
    /// A change of state is being written, or its write failed (the activation is being dropped): until it is stored,
    /// the message has not settled for anyone asking.
    /// </summary>
    private bool _storageBehind;

    private LazyGrainState<OutboundState>? _state;

    /// <summary>Read on first need, not on activation: a new message's first call is <see cref="Send"/>, whose insert needs no read.</summary>
    private LazyGrainState<OutboundState> state => _state ??= new(storage, StateName, this);

    private OutboundState State => state.State;
    private DeliveryLedger Ledger => new(State, options.Value);
    private string MaskedId => PhoneMask.MaskNumbersIn(this.GetPrimaryKeyString());

    /// <summary>Whoever wakes a pending message after a restart resumes its attempts: every entry point loads it first.</summary>
    private async Task EnsureLoadedAsync()
    {
        if (await state.EnsureLoadedAsync() && Ledger.IsPending)
        {
            ScheduleAttempt(Delay(State.NextAttemptAt));
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

        var now = time.GetUtcNow();
        await state.WaitIdleAsync();
        var loadedHere = !state.IsLoaded;
        if (!(loadedHere && await state.TryCreateAsync(s => DeliveryLedger.Create(s, message, now))))
        {
            if (State.Message is not null)
            {
                if (loadedHere && Ledger.IsPending)
                {
                    ScheduleAttempt(Delay(State.NextAttemptAt)); // asked before this activation (a hand-off repeated after a crash)
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
        else if (_attemptTimer is null)
        {
            ScheduleAttempt(Delay(State.NextAttemptAt)); // after a restart, or a wake that never came
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
                ScheduleAttempt(Delay(State.NextAttemptAt));
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

        // Timers may fire a clock tick early; a Retry-After is a promise, so wait out the remainder.
        if (Delay(State.NextAttemptAt) is var early && early > TimeSpan.Zero)
        {
            ScheduleAttempt(early);
            return;
        }

        GateDecision gate;
        try
        {
            gate = await AskGateAsync(State.Message!);
        }
        catch (Exception ex)
        {
            // The conversation or the previous message is out of reach (a silo just died): ask again shortly.
            OutboundLog.CheckFailed(logger, MaskedId, PhoneMask.Describe(ex));
            await RetryAtAsync(time.GetUtcNow() + options.Value.InitialBackoff);
            return;
        }

        switch (gate)
        {
            case GateDecision.Wait:
                // Woken by the previous message when it settles; if that wake is lost, by whoever watches this one.
                ForgetMark();
                return;
            case GateDecision.Suppress:
                Ledger.End(DeliveryStatus.Suppressed); // the person texted STOP after this message was written
                await EndedAsync();
                return;
            case GateDecision.NotSent(var reason):
                Ledger.End(DeliveryStatus.NotSent, notSentReason: reason);
                SwitchboardMetrics.OutboundFailed.Add(1);
                OutboundLog.NotSent(logger, MaskedId, reason);
                await EndedAsync();
                return;
            case GateDecision.Send(var toSend):
                await AttemptSendAsync(toSend);
                return;
        }
    }

    private async Task<GateDecision> AskGateAsync(OutboundSms message)
    {
        var contact = await GrainFactory.GetGrain<IConversationGrain>(message.To).GetContact();
        var settled = message.After is not { } previous
            || await GrainFactory.GetGrain<IOutboundSmsGrain>(previous).SettledOrWake(this.GetPrimaryKeyString());
        return SendGate.Decide(message, contact, settled, time.GetUtcNow(), twilio.Value);
    }

    private async Task AttemptSendAsync(OutboundSms toSend)
    {
        if (!_attemptMarked)
        {
            if (Ledger.UnknownSince is { } since && !await NothingArrivedSinceAsync(toSend, since))
            {
                return; // found and adopted, or it could not be looked up (recorded), or it used the last attempt
            }

            Ledger.BeginAttempt(time.GetUtcNow()); // written before the call: a crash during it is known afterwards
            await WriteAsync();
        }

        _attemptMarked = false;
        if (toSend.Template is { } template)
        {
            OutboundLog.AsTemplate(logger, MaskedId, template.ContentSid);
        }

        SendResult result;

        // Runs on a timer, where no activity is ambient: the span joins the trace of the turn that wrote the message.
        using (var span = SwitchboardTracing.Start("send", State.Message!.TraceParent))
        {
            span.Activity?.SetTag("switchboard.outbound_id", MaskedId);
            span.Activity?.SetTag("switchboard.attempt", State.Attempts.Count + 1);
            result = await SendOnceAsync(toSend);
            span.Activity?.SetTag("switchboard.send.outcome", result.Outcome.ToString());
            if (result.Outcome != SendOutcome.Accepted)
            {
                span.Activity?.SetStatus(ActivityStatusCode.Error, result.Error);
            }
        }

        var next = Ledger.Record(result, toSend, time.GetUtcNow(), Random.Shared.NextDouble());
        if (next is { } at)
        {
            SwitchboardMetrics.OutboundRetries.Add(1);
            if (result.Outcome == SendOutcome.Retryable)
            {
                OutboundLog.Retrying(logger, MaskedId, State.Attempts.Count, result.HttpStatus, result.ErrorCode, at, PhoneMask.MaskNumbersIn(result.Error));
            }

            await RetryAtAsync(at);
            return;
        }

        if (State.Status == DeliveryStatus.Accepted)
        {
            SwitchboardMetrics.OutboundAccepted.Add(1);
            OutboundLog.Accepted(logger, MaskedId, result.Sid!, State.Attempts.Count);
        }
        else
        {
            SwitchboardMetrics.OutboundFailed.Add(1);
            OutboundLog.Failed(logger, MaskedId, State.Status.ToString(), result.HttpStatus, result.ErrorCode, PhoneMask.MaskNumbersIn(result.Error));
        }

        await EndedAsync();
    }

    /// <summary>
    /// Reconciliation: an earlier attempt's answer was lost, so before sending again ask Twilio which messages it has
    /// taken for this one since then. True when nothing arrived and the attempt may go; otherwise the outcome is recorded.
    /// </summary>
    private async Task<bool> NothingArrivedSinceAsync(OutboundSms toSend, DateTimeOffset since)
    {
        string? sid;
        try
        {
            sid = await sender.FindSentAsync(this.GetPrimaryKeyString(), toSend, since);
        }
        catch (Exception ex)
        {
            OutboundLog.LookupFailed(logger, MaskedId, PhoneMask.Describe(ex));
            var next = Ledger.LookupFailed(PhoneMask.Describe(ex), time.GetUtcNow(), Random.Shared.NextDouble());
            await (next is { } at ? RetryAtAsync(at) : EndedAsync());
            return false;
        }

        if (sid is not null)
        {
            Ledger.Adopt(sid, time.GetUtcNow());
            SwitchboardMetrics.OutboundAccepted.Add(1);
            OutboundLog.Adopted(logger, MaskedId, sid);
            await EndedAsync();
            return false;
        }

        if (Ledger.NothingArrived(time.GetUtcNow()))
        {
            return true; // written with the attempt that follows
        }

        SwitchboardMetrics.OutboundFailed.Add(1);
        await EndedAsync();
        return false;
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

    /// <summary>The first attempt, marked in flight by the intent's write, did not start: it waits or was withheld.</summary>
    private void ForgetMark()
    {
        if (_attemptMarked)
        {
            _attemptMarked = false;
            Ledger.Unmark(); // stored with the next write; until then a restart counts it as interrupted
        }
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
            OutboundLog.ReminderReleaseFailed(logger, MaskedId, PhoneMask.Describe(ex)); // its next tick releases it
        }

        await IndexIfFailedAsync();
        foreach (var waiting in _successors)
        {
            GrainFactory.GetGrain<IOutboundSmsGrain>(waiting).Wake().Ignore();
        }

        _successors.Clear();
    }

    /// <summary>Operators list failed messages from an index kept as they fail (GET /admin/outbound?state=failed).</summary>
    private async Task IndexIfFailedAsync()
    {
        if (!Ledger.IsFailed || State.Message is not { } message)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IFailedRepliesGrain>(IFailedRepliesGrain.Key).Add(
                new FailedReply(this.GetPrimaryKeyString(), message.To, State.Status, State.ErrorCode, State.Attempts.Count, time.GetUtcNow()));
        }
        catch (Exception ex)
        {
            OutboundLog.IndexFailed(logger, MaskedId, PhoneMask.Describe(ex));
        }
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
        var resendId = OutboundId.ForResend(this.GetPrimaryKeyString());
        State.ResentAs.Add(resendId);
        await WriteAsync();
        await GrainFactory.GetGrain<IOutboundSmsGrain>(resendId).Send(
            new OutboundSms(message.To, message.Body, "resend") { ResendOf = this.GetPrimaryKeyString(), Channel = message.Channel });
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
            await GrainFactory.GetGrain<IFailedRepliesGrain>(IFailedRepliesGrain.Key).Remove(this.GetPrimaryKeyString());
        }
    }

    public async Task<OutboundView?> GetView()
    {
        await EnsureLoadedAsync();
        if (State.Message is not { } m)
        {
            return null;
        }

        return new OutboundView(
            this.GetPrimaryKeyString(), m.To, m.Body, m.Purpose, State.Status, State.TwilioSid, State.TwilioStatus, State.ErrorCode, State.CreatedAt,
            State.NextAttemptAt, State.PossibleDuplicate, [.. State.Attempts.Select(a => new AttemptView(a.At, a.Outcome, a.HttpStatus, a.ErrorCode, a.Error))])
        {
            ResendOf = m.ResendOf,
            Channel = m.Channel,
            NotSentReason = State.NotSentReason,
            ContentSid = State.ContentSid,
            ResentAs = [.. State.ResentAs],
        };
    }

    /// <summary>
    /// Calls the sender; an exception it did not classify becomes an Unknown attempt. Escaping here would leave the
    /// attempt in flight and unrecorded, and the sender's next reply waiting behind it.
    /// </summary>
    private async Task<SendResult> SendOnceAsync(OutboundSms message)
    {
        try
        {
            return await sender.SendAsync(this.GetPrimaryKeyString(), message);
        }
        catch (Exception ex)
        {
            var error = PhoneMask.Describe(ex);
            OutboundLog.Unexpected(logger, MaskedId, State.Attempts.Count + 1, error);
            return SendResult.Unknown(error);
        }
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

    private TimeSpan Delay(DateTimeOffset? at)
    {
        var delay = (at ?? time.GetUtcNow()) - time.GetUtcNow();
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }
}
