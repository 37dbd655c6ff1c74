using Microsoft.Extensions.Logging;

namespace Switchboard.Api.Email;

/// <summary>Email webhook events (also the logger category of /email/inbound). Never logs an address or a text.</summary>
public sealed partial class EmailLog
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Email {MessageSid} acknowledged and not answered: {Reason}")]
    public static partial void Ignored(ILogger logger, string messageSid, string reason);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Error, Message = "Could not hand email {MessageSid} from {Phone} to its conversation: {Error}")]
    public static partial void HandOffFailed(ILogger logger, string phone, string messageSid, string error);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "Refused {Path} with {StatusCode}: {Reason}")]
    public static partial void Refused(ILogger logger, string path, int statusCode, string reason);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Error, Message = "Email {MessageSid}: the directory could not be asked who sent it: {Error}")]
    public static partial void LookupFailed(ILogger logger, string messageSid, string error);
}
