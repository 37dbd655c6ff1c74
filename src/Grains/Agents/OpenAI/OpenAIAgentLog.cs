using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// Log events of the OpenAI provider. Never the API key; never the SMS text or the model's answer either, as they
/// carry employees' data: only their shape (lengths, reasons).
/// </summary>
internal static partial class OpenAIAgentLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Agents use model {Model} at {Endpoint} (API key set: {HasApiKey})")]
    public static partial void Configured(ILogger logger, string model, string endpoint, bool hasApiKey);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "The model's plan was not valid JSON for the plan type ({Length} characters): answering with help")]
    public static partial void PlanUnreadable(ILogger logger, int length);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "The model's plan was rejected ({Reason}): asking the sender to clarify")]
    public static partial void PlanRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "The model wrote an empty reply: the quality step will replace it")]
    public static partial void EmptyReply(ILogger logger);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "The endpoint refused a JSON schema as the response format: planning in plain JSON mode from now on")]
    public static partial void SchemaRefused(ILogger logger);
}
