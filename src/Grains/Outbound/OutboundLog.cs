using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Outbound;

/// <summary>Outbound log events. Ids and errors are passed through PhoneMask.MaskNumbersIn; message bodies are never logged.</summary>
internal static partial class OutboundLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Outbound {OutboundId} accepted by Twilio as {TwilioSid} on attempt {Attempt}")]
    public static partial void Accepted(ILogger logger, string outboundId, string twilioSid, int attempt);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Outbound {OutboundId} attempt {Attempt} failed (HTTP {HttpStatus}, code {ErrorCode}); retrying at {NextAttemptAt}: {Error}")]
    public static partial void Retrying(ILogger logger, string outboundId, int attempt, int? httpStatus, string? errorCode, DateTimeOffset nextAttemptAt, string? error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Outbound {OutboundId} not delivered ({Status}, HTTP {HttpStatus}, code {ErrorCode}): {Error}")]
    public static partial void Failed(ILogger logger, string outboundId, string status, int? httpStatus, string? errorCode, string? error);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Outbound {OutboundId}: an attempt whose answer was lost had reached Twilio, found in its message list as {TwilioSid}; not sent again")]
    public static partial void Adopted(ILogger logger, string outboundId, string twilioSid);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Outbound {OutboundId} attempt {Attempt} failed unexpectedly; Twilio may have taken it, so it counts as an attempt and the next one first looks for it in Twilio's message list: {Error}")]
    public static partial void Unexpected(ILogger logger, string outboundId, int attempt, string error);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Outbound {OutboundId}: the failed-replies index could not be updated (it lists failed replies for operators; the message itself is recorded): {Error}")]
    public static partial void IndexFailed(ILogger logger, string outboundId, string error);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Outbound {OutboundId} could not check the opt-out or the previous reply; trying again shortly: {Error}")]
    public static partial void CheckFailed(ILogger logger, string outboundId, string error);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Outbound {OutboundId} not sent, never attempted at Twilio: {Reason}")]
    public static partial void NotSent(ILogger logger, string outboundId, string reason);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Outbound {OutboundId} goes as WhatsApp template {ContentSid}: outside the 24-hour window")]
    public static partial void AsTemplate(ILogger logger, string outboundId, string contentSid);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Outbound {OutboundId} ended but its retry reminder could not be released; its next tick releases it: {Error}")]
    public static partial void ReminderReleaseFailed(ILogger logger, string outboundId, string error);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Outbound {OutboundId}: could not read Twilio's message list to learn whether a lost attempt arrived; not sent blind, trying again later: {Error}")]
    public static partial void LookupFailed(ILogger logger, string outboundId, string error);
}
