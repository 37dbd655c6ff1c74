using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Agents.Tokens;

internal static partial class TokenLog
{
    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Turn of message {MessageSid} stopped before a model call: {Reason}; the sender gets the apology")]
    public static partial void TurnBudgetSpent(ILogger logger, string messageSid, string reason);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Agents:DailyTokenBudget ({Limit}) spent: {Tokens} tokens on {Day} (UTC); the rules answer until the next UTC day")]
    public static partial void DailyBudgetSpent(ILogger logger, long limit, long tokens, DateOnly day);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Debug, Message = "This silo's model token spend could not be reported (sent with the next report): {Error}")]
    public static partial void ReportFailed(ILogger logger, string error);
}
