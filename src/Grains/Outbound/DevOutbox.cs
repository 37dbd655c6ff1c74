using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>
/// Twilio:Enabled=false: replies are logged (number masked) and kept here for the /dev/phone page instead of
/// going to the REST API. Holds the most recent messages of this silo only.
/// </summary>
public sealed partial class DevOutbox(TimeProvider time, ILogger<DevOutbox> logger) : ISmsSender
{
    private const int Capacity = 500;
    private readonly ConcurrentQueue<DevOutboxMessage> _messages = new();
    private long _sequence;

    public IReadOnlyList<DevOutboxMessage> Messages => [.. _messages];

    public Task<SendResult> SendAsync(string outboundId, OutboundSms message)
    {
        var sid = $"DEV{Interlocked.Increment(ref _sequence):D10}";
        _messages.Enqueue(new DevOutboxMessage(sid, outboundId, message.To, message.Body, time.GetUtcNow()));
        while (_messages.Count > Capacity && _messages.TryDequeue(out _))
        {
        }

        LogOutbox(logger, PhoneMask.Mask(message.To), sid, message.Body.Length);
        return Task.FromResult(SendResult.Accepted(sid));
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Dev outbox: reply {Sid} to {Phone} ({Length} chars) kept instead of sent (Twilio:Enabled=false)")]
    private static partial void LogOutbox(ILogger logger, string phone, string sid, int length);
}

public sealed record DevOutboxMessage(string Sid, string OutboundId, string To, string Body, DateTimeOffset At);
