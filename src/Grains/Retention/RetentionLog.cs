using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Retention;

/// <summary>Retention log events: counts and times only, never a number or a text.</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Retention sweep up to {Cutoff:o}: {HistoryRows} history rows deleted, {OutboundRecords} outbound records past the cutoff blanked, {Conversations} conversations of unregistered numbers removed")]
    public static partial void Swept(ILogger logger, DateTimeOffset cutoff, int historyRows, int outboundRecords, int conversations);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Retention sweep up to {Cutoff:o} failed; the next one tries again: {Error}")]
    public static partial void SweepFailed(ILogger logger, DateTimeOffset cutoff, string error);
}
