using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Agents;

internal static partial class AgentLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Agent step {Step} failed for message {MessageSid}: {Error}")]
    public static partial void StepFailed(ILogger logger, string step, string messageSid, string error);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Could not report step {Step} of message {MessageSid} to its conversation: {Error}")]
    public static partial void CallbackFailed(ILogger logger, string step, string messageSid, string error);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Reply to {MessageSid} failed the quality check ({Problems}) after {Refinements} refinements: sent the fallback")]
    public static partial void ReplyReplaced(ILogger logger, string messageSid, string problems, int refinements);
}
