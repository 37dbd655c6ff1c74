using Microsoft.Extensions.Logging;
using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>
/// Twilio:Enabled=false: a reply is logged (number masked, body never) and reported accepted instead of going to the
/// REST API. The conversation view (/dev/phone, /admin) shows the reply text.
/// </summary>
public sealed partial class DevOutbox(ILogger<DevOutbox> logger) : ISmsSender
{
    private long _sequence;

    public Task<SendResult> SendAsync(string outboundId, OutboundSms message)
    {
        var sid = $"DEV{Interlocked.Increment(ref _sequence):D10}";
        LogOutbox(logger, PhoneMask.Mask(message.To), sid, message.Body.Length);
        return Task.FromResult(SendResult.Accepted(sid));
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Dev outbox: reply {Sid} to {Phone} ({Length} chars) kept instead of sent (Twilio:Enabled=false)")]
    private static partial void LogOutbox(ILogger logger, string phone, string sid, int length);
}
