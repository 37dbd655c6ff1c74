using Microsoft.Extensions.Logging;
using Switchboard.Contracts;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Grains.Outbound;

/// <summary>
/// How an outbound message makes an attempt: the gate (opted out? the previous reply settled? WhatsApp's window?), the
/// lookup of an earlier attempt whose answer was lost, the call, and what follows: the next attempt, or the end.
/// </summary>
public sealed partial class OutboundSmsGrain
{
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
        var result = await SmsAttempt.SendAsync(CarrierOf(toSend), Id, toSend, State.Message!.TraceParent, State.Attempts.Count + 1, logger);
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
            sid = await CarrierOf(toSend).FindSentAsync(Id, toSend, since);
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
}
