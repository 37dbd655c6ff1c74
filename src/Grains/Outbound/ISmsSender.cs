using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>Hands one SMS to the carrier: the Twilio REST API, or the dev outbox.</summary>
public interface ISmsSender
{
    Task<SendResult> SendAsync(string outboundId, OutboundSms message);
}

public enum SendOutcome
{
    Accepted,
    /// <summary>429, 5xx, timeout or network error: worth another attempt.</summary>
    Retryable,
    /// <summary>A 4xx Twilio will refuse again (invalid number 21211, unsubscribed 21610, ...).</summary>
    Permanent,
}

public sealed record SendResult(SendOutcome Outcome, string? Sid = null, int? HttpStatus = null, string? ErrorCode = null, string? Error = null)
{
    public static SendResult Accepted(string sid, int? httpStatus = 201) => new(SendOutcome.Accepted, sid, httpStatus);
}
