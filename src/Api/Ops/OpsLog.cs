using Microsoft.Extensions.Logging;

namespace Switchboard.Api.Ops;

/// <summary>Operator console log events (resends and erasures log the admin API's events). Keys are never logged.</summary>
internal static partial class OpsLog
{
    [LoggerMessage(EventId = 4301, Level = LogLevel.Information, Message = "Operator console: logged in with the admin key")]
    public static partial void LoggedIn(ILogger logger);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Operator console: a login was refused (not the admin key)")]
    public static partial void LoginRefused(ILogger logger);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Information, Message = "Operator console: logged out")]
    public static partial void LoggedOut(ILogger logger);
}
