using Microsoft.Extensions.Logging;

namespace Switchboard.Api;

/// <summary>Webhook log events (also the logger category of the Twilio endpoints). Never logs a number in clear.</summary>
public sealed partial class WebhookLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Refused {Path} with {StatusCode}: {Reason}")]
    public static partial void Refused(ILogger logger, string path, int statusCode, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Could not hand message {MessageSid} from {Phone} to its conversation: {Error}")]
    public static partial void HandOffFailed(ILogger logger, string phone, string messageSid, string error);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Status {Status} of Twilio message {TwilioSid} names no message of ours (no id in the callback URL, and not among the recent replies to its To number): ignored")]
    public static partial void StatusNotPlaced(ILogger logger, string twilioSid, string status);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Error, Message = "Status {Status} of outbound message {OutboundId} not recorded, answered {StatusCode}: {Error}")]
    public static partial void StatusNotRecorded(ILogger logger, string status, string outboundId, int statusCode, string error);
}
