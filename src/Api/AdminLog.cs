using Microsoft.Extensions.Logging;

namespace Switchboard.Api;

/// <summary>Admin API log events. Phone numbers and outbound ids are masked at the call site (PhoneMask).</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Error, Message = "Admin call {Method} {Path} failed: {Error}")]
    public static partial void Failed(ILogger logger, string method, string path, string error);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Admin: outbound {OutboundId} sent again as {ResendId}")]
    public static partial void Resent(ILogger logger, string outboundId, string resendId);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Admin: conversation {Phone} erased on request")]
    public static partial void Erased(ILogger logger, string phone);

    /// <summary>A request refused before its handler ran (no key, unbindable body or query): the client's mistake, not an error.</summary>
    [LoggerMessage(EventId = 4104, Level = LogLevel.Debug, Message = "Refused {Method} {Path} with {StatusCode}: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, int statusCode, string reason);
}
