using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>
/// The attempt bookkeeping of one outbound message and its retry policy, on its stored <see cref="OutboundState"/>.
/// Takes the clock and the answers as arguments and says what follows; the grain persists and schedules.
/// </summary>
/// <remarks>
/// An attempt whose outcome is unknown (the process stopped during the call, a timeout, a proxy's answer) leaves
/// <see cref="UnknownSince"/> set: before sending again the grain reads Twilio's message list and adopts a match
/// (<see cref="Adopt"/>) instead of sending twice, or learns that nothing arrived (<see cref="NothingArrived"/>).
/// Every attempt counts toward Outbound:MaxAttempts, an interrupted one too, so a message always ends.
/// </remarks>
public sealed class DeliveryLedger(OutboundState state, OutboundOptions options)
{
    public const string InterruptedAttempt = "interrupted before its answer was recorded; Twilio's message list shows it did not arrive";
    public const string AdoptedAttempt = "found in Twilio's message list after an attempt whose answer was lost";

    /// <summary>The intent and the first attempt in one write: the attempt starts right after it.</summary>
    public static void Create(OutboundState s, OutboundSms message, DateTimeOffset now)
    {
        s.Message = message;
        s.Status = DeliveryStatus.Pending;
        s.CreatedAt = now;
        s.NextAttemptAt = now;
        s.AttemptInFlight = true;
        s.UnknownSince = now;
    }

    public bool IsPending => state is { Message: not null, Status: DeliveryStatus.Pending };

    public bool IsFailed => state.Status is DeliveryStatus.Rejected or DeliveryStatus.GaveUp or DeliveryStatus.Undelivered or DeliveryStatus.NotSent;

    /// <summary>
    /// Since when an attempt may have reached Twilio without our record of it; null when every attempt's fate is known.
    /// Records of earlier versions have only the flags: then since the message was created.
    /// </summary>
    public DateTimeOffset? UnknownSince => state.UnknownSince ?? (state.AttemptInFlight || state.LastOutcomeOpen ? state.CreatedAt : null);

    /// <summary>Marks an attempt in flight before the call: if the process stops during it, the next activation knows.</summary>
    public void BeginAttempt(DateTimeOffset now)
    {
        state.AttemptInFlight = true;
        state.UnknownSince ??= now;
    }

    /// <summary>The first attempt, marked in flight by the intent's write, did not start (it waits, or was withheld).</summary>
    public void Unmark()
    {
        state.AttemptInFlight = false;
        state.UnknownSince = null;
    }

    /// <summary>Twilio's list holds the message an unknown attempt sent: it was accepted, with that SID.</summary>
    public void Adopt(string sid, DateTimeOffset now)
    {
        state.Attempts.Add(new OutboundAttempt(now, nameof(SendOutcome.Accepted), null, null, AdoptedAttempt));
        Accept(sid, contentSid: null);
    }

    /// <summary>
    /// Twilio's list holds no match: nothing sent so far arrived. An attempt that was in flight still counts (a call
    /// that keeps stopping the process must end). Returns false when that used the last attempt (given up).
    /// </summary>
    public bool NothingArrived(DateTimeOffset now)
    {
        state.UnknownSince = null;
        state.LastOutcomeOpen = false;
        if (!state.AttemptInFlight)
        {
            return true;
        }

        state.AttemptInFlight = false;
        state.Attempts.Add(new OutboundAttempt(now, nameof(SendOutcome.Unknown), null, null, InterruptedAttempt));
        if (state.Attempts.Count < options.MaxAttempts)
        {
            return true;
        }

        End(DeliveryStatus.GaveUp);
        return false;
    }

    /// <summary>Records an attempt's answer; returns when to try again, or null when the message ended.</summary>
    public DateTimeOffset? Record(SendResult result, OutboundSms sent, DateTimeOffset now, double jitter)
    {
        state.AttemptInFlight = false;
        state.LastOutcomeOpen = result.LeavesOutcomeOpen;
        if (!result.LeavesOutcomeOpen)
        {
            // Twilio answered for this attempt, and earlier unknown ones were looked up before it was made.
            state.UnknownSince = null;
        }

        state.Attempts.Add(new OutboundAttempt(now, result.Outcome.ToString(), result.HttpStatus, result.ErrorCode, result.Error));
        switch (result.Outcome)
        {
            case SendOutcome.Accepted:
                Accept(result.Sid!, sent.Template?.ContentSid);
                return null;
            case SendOutcome.Retryable or SendOutcome.Unknown when state.Attempts.Count < options.MaxAttempts:
                state.NextAttemptAt = now + RetryDelay(state.Attempts.Count, result.RetryAfter, jitter);
                return state.NextAttemptAt;
            default:
                End(result.Outcome == SendOutcome.Permanent ? DeliveryStatus.Rejected : DeliveryStatus.GaveUp, result.ErrorCode);
                return null;
        }
    }

    /// <summary>
    /// An attempt that could not be made because Twilio could not be asked whether an earlier one arrived: recorded like
    /// an attempt whose outcome is unknown, so it counts, and the next one asks again.
    /// </summary>
    public static SendResult LookupFailure(string error) => new(SendOutcome.Unknown, Error: $"could not read Twilio's message list: {error}");

    /// <summary>Ends the message without Twilio's acceptance (withheld, not sent, given up, rejected).</summary>
    public void End(DeliveryStatus status, string? errorCode = null, string? notSentReason = null)
    {
        state.Status = status;
        state.ErrorCode = errorCode ?? state.ErrorCode;
        state.NotSentReason = notSentReason ?? state.NotSentReason;
        state.NextAttemptAt = null;
        state.AttemptInFlight = false;
        state.UnknownSince = null;
    }

    /// <summary>
    /// Exponential backoff with jitter (<paramref name="jitter"/> in [0, 1) spreads it over ±20 %), never sooner than a
    /// Retry-After asked for; both capped by Outbound:MaxBackoff.
    /// </summary>
    public TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter, double jitter)
    {
        var backoff = Backoff.Doubling(options.InitialBackoff, attempt, options.MaxBackoff) * (0.8 + (jitter * 0.4));
        if (retryAfter is not { } asked)
        {
            return backoff;
        }

        var floor = asked < options.MaxBackoff ? asked : options.MaxBackoff;
        return backoff > floor ? backoff : floor;
    }

    private void Accept(string sid, string? contentSid)
    {
        state.Status = DeliveryStatus.Accepted;
        state.TwilioSid = sid;
        state.ContentSid = contentSid;
        state.NextAttemptAt = null;
        state.AttemptInFlight = false;
        state.UnknownSince = null;
        state.LastOutcomeOpen = false;
    }
}
