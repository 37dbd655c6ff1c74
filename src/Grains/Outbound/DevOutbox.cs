using Microsoft.Extensions.Logging;
using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>
/// Twilio:Enabled=false (or Email:Enabled=false for email): a reply is logged (number masked, body never) and reported
/// accepted instead of going to the REST API. The conversation view (/dev/phone, /admin) shows the reply text.
/// </summary>
public sealed partial class DevOutbox(ILogger<DevOutbox> logger) : IEmailSender
{
    public Task<SendResult> SendAsync(string outboundId, OutboundSms message)
    {
        // Unique across silos and restarts (a per-process counter would hand two silos, or a restarted one, the same
        // SID), shaped like Twilio's: two letters and 32 hex digits.
        var sid = $"DV{Guid.NewGuid():N}";
        LogOutbox(logger, message.Channel.ToString(), PhoneMask.Mask(message.To), sid, message.Body.Length);
        return Task.FromResult(SendResult.Accepted(sid));
    }

    /// <summary>The dev outbox never loses the answer to a send: nothing it took goes unrecorded.</summary>
    public Task<string?> FindSentAsync(string outboundId, OutboundSms message, DateTimeOffset since) => Task.FromResult<string?>(null);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Dev outbox: {Channel} reply {Sid} to {Phone} ({Length} chars) kept instead of sent (Twilio:Enabled or Email:Enabled false)")]
    private static partial void LogOutbox(ILogger logger, string channel, string phone, string sid, int length);
}
