using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Conversations;

/// <summary>Conversation log events. Phone numbers are passed masked.</summary>
internal static partial class ConversationLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Duplicate message {MessageSid} from {Phone} ignored")]
    public static partial void Duplicate(ILogger logger, string phone, string messageSid);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Inbox of {Phone} full ({Pending} pending): message {MessageSid} dropped")]
    public static partial void InboxFull(ILogger logger, string phone, string messageSid, int pending);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Resuming turn {MessageSid} of {Phone} at step {StepIndex}")]
    public static partial void TurnResumed(ILogger logger, string phone, string messageSid, int stepIndex);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Step {Step} of turn {MessageSid} ({Phone}) failed on attempt {Attempt}, retrying in {Backoff}: {Error}")]
    public static partial void StepRetry(ILogger logger, string phone, string messageSid, string step, int attempt, TimeSpan backoff, string error);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Turn {MessageSid} of {Phone} failed at step {Step}: {Error}")]
    public static partial void TurnFailed(ILogger logger, string phone, string messageSid, string step, string error);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "Message {MessageSid} from {Phone} was acknowledged (Webhook:AckMode=OneWay) but could not be kept: {Error}")]
    public static partial void EnqueueFailed(ILogger logger, string phone, string messageSid, string error);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Turn {MessageSid} of {Phone} could not hand over its reply; trying again in {Backoff}: {Error}")]
    public static partial void FinishFailed(ILogger logger, string phone, string messageSid, TimeSpan backoff, string error);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Could not send {Phone} the {Notice} notice for message {MessageSid} (the message itself is recorded): {Error}")]
    public static partial void NoticeFailed(ILogger logger, string phone, string messageSid, string notice, string error);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "Message {MessageSid} from {Phone} is kept, but its line in the conversation history could not be written: {Error}")]
    public static partial void HistoryWriteFailed(ILogger logger, string phone, string messageSid, string error);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Erased the stored messages, turns and reply texts of {Phone} on request")]
    public static partial void Erased(ILogger logger, string phone);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Error, Message = "Turn {MessageSid} of {Phone} ended without its line in the conversation history after {Attempts} failed writes: {Error}")]
    public static partial void HistoryGivenUp(ILogger logger, string phone, string messageSid, int attempts, string error);
}
