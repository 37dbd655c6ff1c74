using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>Hands one SMS to the carrier: the Twilio REST API, or the dev outbox.</summary>
public interface ISmsSender
{
    /// <summary>
    /// Classifies every answer it understands. Anything else (a 2xx without a message sid, a bug) is thrown: the grain
    /// records it as an <see cref="SendOutcome.Unknown"/> attempt.
    /// </summary>
    Task<SendResult> SendAsync(string outboundId, OutboundSms message);

    /// <summary>
    /// Reconciliation: the SID of a message Twilio already took for this outbound message — sent to message.To (on its
    /// channel) from our sender, with the same body, created at or after <paramref name="since"/> — or null when there is
    /// none. Throws when Twilio cannot be asked (the caller tries again later instead of sending blind).
    /// </summary>
    Task<string?> FindSentAsync(string outboundId, OutboundSms message, DateTimeOffset since);
}

public enum SendOutcome
{
    Accepted,
    /// <summary>429, 5xx, an answer that is not a Twilio error, timeout or network error: worth another attempt.</summary>
    Retryable,
    /// <summary>A 4xx with a Twilio error code Twilio will give again (invalid number 21211, unsubscribed 21610, ...).</summary>
    Permanent,
    /// <summary>The send failed in a way nobody classified (an unexpected exception): Twilio may have taken it; retried.</summary>
    Unknown,
}

public sealed record SendResult(SendOutcome Outcome, string? Sid = null, int? HttpStatus = null, string? ErrorCode = null, string? Error = null)
{
    /// <summary>The server asked for this much quiet before the next attempt (Retry-After of a 429 or 503).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// An HTTP answer that is not Twilio's (a proxy's 502 or 504 with an empty or HTML body): the request may have
    /// reached Twilio behind it.
    /// </summary>
    public bool NotFromTwilio { get; init; }

    /// <summary>
    /// The request never left: no connection was made (refused, the host name did not resolve), so Twilio cannot have
    /// seen it. Retryable, and no retry that follows can duplicate it.
    /// </summary>
    public bool NeverSent { get; init; }

    /// <summary>
    /// Whether Twilio may have taken the message although this attempt did not see it accepted: no answer at all
    /// (timeout, broken connection) unless the request never left, an answer not from Twilio, or an unexpected failure.
    /// </summary>
    public bool LeavesOutcomeOpen => Outcome switch
    {
        SendOutcome.Unknown => true,
        SendOutcome.Retryable => !NeverSent && (HttpStatus is null || NotFromTwilio),
        _ => false,
    };

    public static SendResult Accepted(string sid, int? httpStatus = 201) => new(SendOutcome.Accepted, sid, httpStatus);

    public static SendResult Unknown(string error) => new(SendOutcome.Unknown, Error: error);
}
