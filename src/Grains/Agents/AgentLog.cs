using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Agents;

internal static partial class AgentLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Agent step {Step} failed for message {MessageSid}")]
    public static partial void StepFailed(ILogger logger, Exception exception, string step, string messageSid);
}
