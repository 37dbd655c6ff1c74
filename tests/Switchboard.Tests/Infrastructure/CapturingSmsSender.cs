using System.Collections.Concurrent;
using Switchboard.Contracts;
using Switchboard.Grains.Outbound;

namespace Switchboard.Tests.Infrastructure;

/// <summary>An in-memory carrier for TestCluster tests: records every send and can be told to fail the next ones.</summary>
public sealed class CapturingSmsSender : ISmsSender
{
    private readonly ConcurrentQueue<SentSms> _sent = new();
    private readonly ConcurrentQueue<SendResult> _scripted = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SendResult>> _scriptedFor = new();
    private int _sequence;

    public IReadOnlyList<SentSms> Sent => [.. _sent];

    /// <summary>The next sends answer these results, in order, instead of accepting.</summary>
    public void Script(params SendResult[] results)
    {
        foreach (var result in results)
        {
            _scripted.Enqueue(result);
        }
    }

    /// <summary>The next sends of this one outbound message answer these results, in order.</summary>
    public void ScriptFor(string outboundId, params SendResult[] results)
    {
        var queue = _scriptedFor.GetOrAdd(outboundId, _ => new ConcurrentQueue<SendResult>());
        foreach (var result in results)
        {
            queue.Enqueue(result);
        }
    }

    public Task<SendResult> SendAsync(string outboundId, OutboundSms message)
    {
        var result = (_scriptedFor.TryGetValue(outboundId, out var forThis) && forThis.TryDequeue(out var scriptedForThis)) ? scriptedForThis
            : _scripted.TryDequeue(out var scripted) ? scripted
            : SendResult.Accepted($"SM{Interlocked.Increment(ref _sequence):D32}");
        _sent.Enqueue(new SentSms(outboundId, message.To, message.Body, result.Outcome));
        return Task.FromResult(result);
    }

    /// <summary>A scripted answer stands for a message the carrier did not take; one it took was answered so: none to find.</summary>
    public Task<string?> FindSentAsync(string outboundId, OutboundSms message, DateTimeOffset since) => Task.FromResult<string?>(null);

    /// <summary>Messages Twilio accepted for this phone, in the order they were sent.</summary>
    public IReadOnlyList<OutboundSms> AcceptedFor(string phone) =>
        [.. _sent.Where(s => s.To == phone && s.Outcome == SendOutcome.Accepted).Select(s => new OutboundSms(s.To, s.Body, s.OutboundId))];

    /// <summary>Waits until at least <paramref name="count"/> messages to <paramref name="phone"/> were accepted.</summary>
    public async Task<IReadOnlyList<OutboundSms>> WaitForAsync(string phone, int count, TimeSpan timeout)
    {
        await Eventually.HoldsAsync(() => AcceptedFor(phone).Count >= count, timeout, $"{count} message(s) to {phone}");
        return AcceptedFor(phone);
    }
}

/// <summary>One send attempt as the carrier saw it.</summary>
public sealed record SentSms(string OutboundId, string To, string Body, SendOutcome Outcome);
