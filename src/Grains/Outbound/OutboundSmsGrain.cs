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
/// One outbound SMS. The intent is persisted before Twilio is called (one write that also marks the first attempt),
/// the result after it; attempts run on a grain timer with exponential backoff. A message that must wait for a retry
/// holds a reminder that resumes it after a restart; a message sent at once costs no reminder (the conversation's
/// reminder watches it meanwhile, see <see cref="OutboundSms.WatchedBySender"/>).
/// Once Twilio's acceptance is recorded the message is never sent again. A duplicate is possible only when an attempt's
/// outcome is unknown (a crash between Twilio's answer and our write of it, a timeout, a broken connection, a proxy's
/// answer, a failure the sender did not expect): the next attempt is then flagged
/// <see cref="OutboundState.PossibleDuplicate"/>. Every attempt that returns counts toward Outbound:MaxAttempts, so a
/// message always ends (accepted, rejected or given up). Nothing is sent to a number that opted out.
/// </summary>
// A settled message hears at most a few status callbacks, within seconds; an idle one costs only memory.
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
    private const string InterruptedAttempt = "interrupted: its answer was never recorded";

    private IGrainTimer? _attemptTimer;
    private IGrainReminder? _reminder;
    private bool _reminderHeld;

    /// <summary>This activation is counted among the silo's replies retrying (GET /admin/summary).</summary>
    private bool _retryingCounted;

    /// <summary>Send's write already marked the first attempt in flight: the attempt needs no write of its own.</summary>
    private bool _attemptMarked;

    private LazyGrainState<OutboundState>? _state;

    /// <summary>The read or insert of the state under way: GetView interleaves, so a second caller waits for it.</summary>
    private Task? _loading;

    /// <summary>
    /// Read on first need, not on activation: a new message's first call is <see cref="Send"/>, whose insert needs no
    /// read that would only miss (one storage request less per reply); every other entry point loads it first.
    /// </summary>
    private LazyGrainState<OutboundState> state => _state ??= new(storage, StateName, this);

    private OutboundState State => state.State;
    private string Id => this.GetPrimaryKeyString();

    private async Task EnsureLoadedAsync()
    {
        while (!state.IsLoaded)
        {
            if (_loading is { } busy)
            {
                await WaitQuietlyAsync(busy);
                continue;
            }

            await AsLoading(LoadAsync());
        }

        async Task<bool> LoadAsync()
        {
            await state.LoadAsync();
            ResumeIfPending();
            return true;
        }
    }

    /// <summary>Runs the read or insert of the state as the one under way, for the other callers to wait on.</summary>
    private async Task<bool> AsLoading(Task<bool> work)
    {
        _loading = work;
        try
        {
            return await work;
        }
        finally
        {
            _loading = null;
        }
    }

    /// <summary>Waits for another caller's read or insert; a failure is that caller's to report.</summary>
    private static async Task WaitQuietlyAsync(Task task)
    {
        try
        {
            await task;
        }
        catch
        {
            // the other caller saw it; this one tries again or carries on
        }
    }

    /// <summary>
    /// Whoever wakes a pending message after a restart (its reminder, the conversation watching it, the next reply
    /// asking whether it may go) resumes its attempts: each of them loads the state first.
    /// </summary>
    private void ResumeIfPending()
    {
        if (State is { Message: not null, Status: DeliveryStatus.Pending })
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

    public async Task Send(OutboundSms message)
    {
        if (state.IsLoaded && State.Message is not null)
        {
            return; // Already asked: the same id always means the same message.
        }

        if (!message.WatchedBySender)
        {
            await HoldReminderAsync(); // before the write: a message stored pending always has its wake-up
        }

        var now = time.GetUtcNow();
        void Intent(OutboundState s)
        {
            s.Message = message;
            s.Status = DeliveryStatus.Pending;
            s.CreatedAt = now;
            s.NextAttemptAt = now;

            // Intent and first attempt in one write: the attempt starts right after it, so a crash from here on
            // leaves a message whose first attempt may have reached Twilio.
            s.AttemptInFlight = true;
        }

        while (_loading is { } busy)
        {
            await WaitQuietlyAsync(busy);
        }

        // A new grain inserts the message without reading first; the insert is refused if the record exists.
        var loadedHere = !state.IsLoaded;
        var created = loadedHere && await AsLoading(state.TryCreateAsync(Intent));

        if (!created)
        {
            if (State.Message is not null)
            {
                if (loadedHere)
                {
                    ResumeIfPending(); // asked before this activation (a hand-off repeated after a crash)
                }

                return;
            }

            Intent(State);
            await state.WriteOrReloadAsync();
        }

        _attemptMarked = true;
        ScheduleAttempt(TimeSpan.Zero);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await EnsureLoadedAsync();
        _reminderHeld = true; // the tick proves it
        if (State.Message is null || State.Status != DeliveryStatus.Pending)
        {
            await ReleaseReminderAsync(); // done, or a Send whose write failed left the reminder behind
        }
        else if (_attemptTimer is null)
        {
            // Woken after a restart (or the timer was lost with an earlier activation).
            ScheduleAttempt(Delay(State.NextAttemptAt));
        }
    }

    private void ScheduleAttempt(TimeSpan dueTime)
    {
        _attemptTimer?.Dispose();
        _attemptTimer = this.RegisterGrainTimer(
            _ => AttemptAsync(),
            new GrainTimerCreationOptions { DueTime = dueTime, Period = Timeout.InfiniteTimeSpan });
    }

    /// <summary>
    /// One attempt, on the grain timer. Every way out either records a result, schedules the next attempt, or (a failed
    /// state write) drops the activation, whose successor resumes when first called (EnsureLoadedAsync): a pending message never stalls.
    /// </summary>
    private async Task AttemptAsync()
    {
        _attemptTimer?.Dispose();
        _attemptTimer = null;
        if (State.Status != DeliveryStatus.Pending || State.Message is not { } message)
        {
            return;
        }

        // Timers may fire a clock tick early; a Retry-After is a promise, so wait out the remainder.
        var early = Delay(State.NextAttemptAt);
        if (early > TimeSpan.Zero)
        {
            ScheduleAttempt(early);
            return;
        }

        // Asked at every attempt: the person may have opted out, or a retry crossed the end of WhatsApp's window.
        ChannelContact contact;
        bool optedOut, waiting;
        try
        {
            contact = await GrainFactory.GetGrain<IConversationGrain>(message.To).GetContact();
            optedOut = !message.ConfirmsOptOut && contact.OptedOut;
            waiting = !optedOut && message.After is { } predecessor && await IsPendingAsync(predecessor);
        }
        catch (Exception ex)
        {
            // The conversation or the previous reply is out of reach (a silo just died): ask again shortly. Nothing
            // else would: a message sent at once has no reminder, and its watcher only looks.
            OutboundLog.CheckFailed(logger, PhoneMask.MaskNumbersIn(Id), PhoneMask.Describe(ex));
            ScheduleAttempt(options.Value.InitialBackoff);
            return;
        }

        if (optedOut)
        {
            // The sender texted STOP after this message was handed over (it may have been waiting for a retry).
            State.Status = DeliveryStatus.Suppressed;
            State.NextAttemptAt = null;
            await state.WriteOrReloadAsync();
            await EndedAsync();
            return;
        }

        if (waiting)
        {
            // Keep the sender's replies in order: try again once the previous reply has reached Twilio (or failed).
            ScheduleAttempt(options.Value.InitialBackoff);
            return;
        }

        var (toSend, notSentReason) = message.Channel == MessageChannel.WhatsApp
            ? WhatsAppDelivery.Prepare(message, contact, time.GetUtcNow(), twilio.Value)
            : (message, null);
        if (toSend is null)
        {
            await RecordNotSentAsync(notSentReason!);
            return;
        }

        if (toSend.Template is { } template)
        {
            OutboundLog.AsTemplate(logger, PhoneMask.MaskNumbersIn(Id), template.ContentSid);
        }

        if (_attemptMarked)
        {
            _attemptMarked = false; // Send's write marked this attempt
        }
        else
        {
            if (State.AttemptInFlight || State.LastOutcomeOpen)
            {
                State.PossibleDuplicate = true;
                OutboundLog.PossibleDuplicate(logger, PhoneMask.MaskNumbersIn(Id));
            }

            if (State.AttemptInFlight)
            {
                // The last attempt's answer was never recorded (the process stopped, or the write after the call
                // failed): it counts toward Outbound:MaxAttempts, so writes that keep failing cannot repeat the call forever.
                State.Attempts.Add(new OutboundAttempt(time.GetUtcNow(), nameof(SendOutcome.Unknown), null, null, InterruptedAttempt));
                if (State.Attempts.Count >= options.Value.MaxAttempts)
                {
                    await RecordResultAsync(SendResult.Unknown(InterruptedAttempt), toSend, attempted: false);
                    return;
                }
            }

            // Recorded before the call: if we crash during it, the next activation knows a duplicate is possible.
            State.AttemptInFlight = true;
            await state.WriteOrReloadAsync();
        }

        SendResult result;

        // Runs on a timer, where no activity is ambient: the span joins the trace of the turn that wrote the message,
        // and the HttpClient span of the Twilio call is its child.
        using (var span = SwitchboardTracing.Start("send", message.TraceParent))
        {
            span.Activity?.SetTag("switchboard.outbound_id", PhoneMask.MaskNumbersIn(Id));
            span.Activity?.SetTag("switchboard.attempt", State.Attempts.Count + 1);
            result = await SendOnceAsync(toSend);
            span.Activity?.SetTag("switchboard.send.outcome", result.Outcome.ToString());
            if (result.Outcome != SendOutcome.Accepted)
            {
                span.Activity?.SetStatus(ActivityStatusCode.Error, result.Error);
            }
        }

        await RecordResultAsync(result, toSend, attempted: true);
    }

    /// <summary>
    /// Records how an attempt went (<paramref name="attempted"/>), or ends the message with the attempts it has, and
    /// schedules what follows: the next attempt, or nothing.
    /// </summary>
    private async Task RecordResultAsync(SendResult result, OutboundSms toSend, bool attempted)
    {
        var now = time.GetUtcNow();
        if (attempted)
        {
            // A timeout, a broken connection, a proxy's answer or an unexpected failure leaves it open whether Twilio took
            // the message: a retry that follows is flagged as a possible duplicate. The answer is recorded here, so the
            // attempt is no longer in flight and is not counted a second time as interrupted.
            State.AttemptInFlight = false;
            State.LastOutcomeOpen = result.LeavesOutcomeOpen;
            State.Attempts.Add(new OutboundAttempt(now, result.Outcome.ToString(), result.HttpStatus, result.ErrorCode, result.Error));
        }

        var attempt = State.Attempts.Count;
        switch (result.Outcome)
        {
            case SendOutcome.Accepted:
                State.Status = DeliveryStatus.Accepted;
                State.TwilioSid = result.Sid;
                State.ContentSid = toSend.Template?.ContentSid;
                State.NextAttemptAt = null;
                SwitchboardMetrics.OutboundAccepted.Add(1);
                OutboundLog.Accepted(logger, PhoneMask.MaskNumbersIn(Id), result.Sid!, attempt);
                break;
            case SendOutcome.Retryable or SendOutcome.Unknown when attempt < options.Value.MaxAttempts:
                State.NextAttemptAt = now + Backoff(attempt, result.RetryAfter);
                SwitchboardMetrics.OutboundRetries.Add(1);
                if (result.Outcome == SendOutcome.Retryable)
                {
                    OutboundLog.Retrying(logger, PhoneMask.MaskNumbersIn(Id), attempt, result.HttpStatus, result.ErrorCode, State.NextAttemptAt.Value, PhoneMask.MaskNumbersIn(result.Error));
                }

                break;
            default:
                State.Status = result.Outcome == SendOutcome.Permanent ? DeliveryStatus.Rejected : DeliveryStatus.GaveUp;
                State.ErrorCode = result.ErrorCode;
                State.NextAttemptAt = null;
                SwitchboardMetrics.OutboundFailed.Add(1);
                OutboundLog.Failed(logger, PhoneMask.MaskNumbersIn(Id), State.Status.ToString(), result.HttpStatus, result.ErrorCode, PhoneMask.MaskNumbersIn(result.Error));
                break;
        }

        await state.WriteOrReloadAsync();
        if (State.Status == DeliveryStatus.Pending)
        {
            CountRetrying();
            ScheduleAttempt(Delay(State.NextAttemptAt));
            await HoldReminderAsync(); // a retry survives a restart on its own, whoever watches the message
        }
        else
        {
            await EndedAsync();
        }
    }

    /// <summary>
    /// What every way a message ends shares (accepted, rejected, given up, suppressed, not sent, erased while pending,
    /// a status callback that overtook a retry), after the write that ended it: no further attempt, no longer counted
    /// as retrying, its reminder released, and a failure indexed for operators even if releasing the reminder fails
    /// (the reminder's next tick finds the message ended and releases it then).
    /// </summary>
    private async Task EndedAsync()
    {
        _attemptTimer?.Dispose();
        _attemptTimer = null;
        _attemptMarked = false;
        CountRetrying();
        try
        {
            await ReleaseReminderAsync();
        }
        catch (Exception ex)
        {
            OutboundLog.ReminderReleaseFailed(logger, PhoneMask.MaskNumbersIn(Id), PhoneMask.Describe(ex));
        }

        await IndexIfFailedAsync();
    }

    /// <summary>
    /// Ends a message that cannot go as asked (a WhatsApp message outside the 24-hour window without a template):
    /// never attempted, so no attempt is in flight, and it releases the sender's next message like a failure would.
    /// </summary>
    private async Task RecordNotSentAsync(string reason)
    {
        _attemptMarked = false;
        State.AttemptInFlight = false;
        State.Status = DeliveryStatus.NotSent;
        State.NotSentReason = reason;
        State.NextAttemptAt = null;
        await state.WriteOrReloadAsync();
        SwitchboardMetrics.OutboundFailed.Add(1);
        OutboundLog.NotSent(logger, PhoneMask.MaskNumbersIn(Id), reason);
        await EndedAsync();
    }

    /// <summary>Operators list failed messages from an index kept as they fail (GET /admin/outbound?state=failed).</summary>
    private async Task IndexIfFailedAsync()
    {
        if (State.Status is not (DeliveryStatus.Rejected or DeliveryStatus.GaveUp or DeliveryStatus.Undelivered or DeliveryStatus.NotSent) || State.Message is not { } message)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IFailedRepliesGrain>(IFailedRepliesGrain.Key).Add(
                new FailedReply(Id, message.To, State.Status, State.ErrorCode, State.Attempts.Count, time.GetUtcNow()));
        }
        catch (Exception ex)
        {
            OutboundLog.IndexFailed(logger, PhoneMask.MaskNumbersIn(Id), PhoneMask.Describe(ex));
        }
    }

    public async Task EraseBody()
    {
        await EnsureLoadedAsync();
        if (State.Message is { Body.Length: > 0 } message)
        {
            State.Message = message with { Body = "" };
            var ends = State.Status == DeliveryStatus.Pending;
            if (ends)
            {
                State.Status = DeliveryStatus.Suppressed; // erased before it went out: never sent
                State.NextAttemptAt = null;
            }

            await state.WriteOrReloadAsync();
            if (ends)
            {
                await EndedAsync();
            }
        }

        // Always, even when this text was already gone: an earlier erasure may have stopped before reaching them all.
        await Task.WhenAll(State.ResentAs.Select(id => GrainFactory.GetGrain<IOutboundSmsGrain>(id).EraseBody()));
    }

    public async Task<string?> Resend()
    {
        await EnsureLoadedAsync();
        if (State.Message is not { Body.Length: > 0 } message)
        {
            return null;
        }

        // Recorded before the copy exists, and this grain is busy until the copy is stored: an erasure of this message
        // (which waits for it) always finds the copy and erases its text too.
        var resendId = OutboundId.ForResend(Id);
        State.ResentAs.Add(resendId);
        await state.WriteOrReloadAsync();
        await GrainFactory.GetGrain<IOutboundSmsGrain>(resendId).Send(
            new OutboundSms(message.To, message.Body, "resend") { ResendOf = Id, Channel = message.Channel });
        return resendId;
    }

    private async Task<bool> IsPendingAsync(string outboundId) =>
        await GrainFactory.GetGrain<IOutboundSmsGrain>(outboundId).GetView() is { Status: DeliveryStatus.Pending };

    /// <summary>
    /// Calls the sender; an exception it did not classify becomes an Unknown attempt. Escaping here would leave the
    /// grain with the attempt in flight and unrecorded: no attempt limit, a new send on every reminder tick, and the
    /// sender's next reply (waiting on <see cref="OutboundSms.After"/>) blocked for good.
    /// </summary>
    private async Task<SendResult> SendOnceAsync(OutboundSms message)
    {
        try
        {
            return await sender.SendAsync(Id, message);
        }
        catch (Exception ex)
        {
            var error = PhoneMask.Describe(ex);
            OutboundLog.Unexpected(logger, PhoneMask.MaskNumbersIn(Id), State.Attempts.Count + 1, error);
            return SendResult.Unknown(error);
        }
    }

    /// <summary>Exponential backoff with jitter, but never sooner than a Retry-After asked for; both capped by MaxBackoff.</summary>
    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var o = options.Value;
        var exponential = o.InitialBackoff * Math.Pow(2, attempt - 1);
        var capped = exponential < o.MaxBackoff ? exponential : o.MaxBackoff;
        var backoff = capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
        if (retryAfter is not { } asked)
        {
            return backoff;
        }

        var floor = asked < o.MaxBackoff ? asked : o.MaxBackoff;
        return backoff > floor ? backoff : floor;
    }

    private TimeSpan Delay(DateTimeOffset? at)
    {
        var delay = (at ?? time.GetUtcNow()) - time.GetUtcNow();
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }

    private async Task HoldReminderAsync()
    {
        if (!_reminderHeld)
        {
            var period = options.Value.ReminderPeriod;
            _reminder = await this.RegisterOrUpdateReminder(RetryReminder, period, period);
            _reminderHeld = true;
        }
    }

    /// <summary>Only a reminder this activation registered or saw tick: a message sent at once never had one.</summary>
    private async Task ReleaseReminderAsync()
    {
        if (_reminderHeld)
        {
            _reminderHeld = false;
            var reminder = _reminder;
            _reminder = null;
            await this.UnregisterIfPresentAsync(RetryReminder, reminder);
        }
    }

    public async Task RecordStatus(string twilioStatus, string? errorCode, string? twilioSid)
    {
        await EnsureLoadedAsync();
        if (State.Message is null)
        {
            return;
        }

        var reported = twilioStatus.ToLowerInvariant() switch
        {
            "sent" => DeliveryStatus.Sent,
            "delivered" => DeliveryStatus.Delivered,
            "undelivered" or "failed" => DeliveryStatus.Undelivered,
            _ => DeliveryStatus.Accepted, // queued, accepted, sending
        };

        // Callbacks can arrive out of order: never move back (delivered, then a late "sent"). One that tells nothing
        // new (Twilio repeats itself) writes nothing.
        var changes = reported != State.Status || twilioStatus != State.TwilioStatus || (errorCode is not null && errorCode != State.ErrorCode)
            || (State.TwilioSid is null && twilioSid is not null);
        if (changes && Rank(reported) >= Rank(State.Status))
        {
            // Twilio took it even if no attempt saw that (a timeout): a callback ends a message still waiting for a retry.
            State.Status = reported;
            State.TwilioStatus = twilioStatus;
            State.ErrorCode = errorCode ?? State.ErrorCode;
            State.TwilioSid ??= twilioSid; // known here even if the crash window lost it
            State.NextAttemptAt = null;
            await state.WriteOrReloadAsync();
            await EndedAsync();
        }
    }

    private static int Rank(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => 0,
        DeliveryStatus.Accepted => 1,
        DeliveryStatus.Sent => 2,
        _ => 3,
    };

    public async Task<OutboundView?> GetView()
    {
        await EnsureLoadedAsync();
        if (State.Message is not { } m)
        {
            return null;
        }

        return new OutboundView(
            Id, m.To, m.Body, m.Purpose, State.Status, State.TwilioSid, State.TwilioStatus, State.ErrorCode, State.CreatedAt, State.NextAttemptAt,
            State.PossibleDuplicate, [.. State.Attempts.Select(a => new AttemptView(a.At, a.Outcome, a.HttpStatus, a.ErrorCode, a.Error))])
        {
            ResendOf = m.ResendOf,
            Channel = m.Channel,
            NotSentReason = State.NotSentReason,
            ContentSid = State.ContentSid,
            ResentAs = [.. State.ResentAs],
        };
    }
}
