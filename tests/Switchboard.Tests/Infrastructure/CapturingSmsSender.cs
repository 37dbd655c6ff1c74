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
    private readonly ConcurrentQueue<string> _lookedUp = new();
    private int _sequence;

    /// <summary>
    /// Script this (the instance itself) for a send Twilio took but whose answer was lost: the attempt sees a timeout,
    /// and <see cref="FindSentAsync"/> then finds the sid it was given.
    /// </summary>
    public static SendResult AnswerLost { get; } = new(SendOutcome.Retryable, Error: "TaskCanceledException: no answer (scripted: taken, answer lost)");

    public IReadOnlyList<SentSms> Sent => [.. _sent];

    /// <summary>Outbound ids <see cref="FindSentAsync"/> was asked about, in order.</summary>
    public IReadOnlyList<string> LookedUp => [.. _lookedUp];

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
            : SendResult.Accepted(NewSid());
        var taken = result.Outcome == SendOutcome.Accepted ? result.Sid : ReferenceEquals(result, AnswerLost) ? NewSid() : null;
        _sent.Enqueue(new SentSms(outboundId, message.To, message.Body, result.Outcome) { TakenSid = taken, From = message.From });
        return Task.FromResult(result);
    }

    /// <summary>The last send of this outbound message with its body that the carrier took, answered or not.</summary>
    public Task<string?> FindSentAsync(string outboundId, OutboundSms message, DateTimeOffset since)
    {
        _lookedUp.Enqueue(outboundId);
        var taken = _sent.LastOrDefault(s => s.OutboundId == outboundId && s.TakenSid is not null && (message.Template is not null || s.Body == message.Body));
        return Task.FromResult(taken?.TakenSid);
    }

    private string NewSid() => $"SM{Interlocked.Increment(ref _sequence):D32}";

    /// <summary>Messages Twilio accepted for this phone, in the order they were sent.</summary>
    public IReadOnlyList<OutboundSms> AcceptedFor(string phone) =>
        [.. _sent.Where(s => s.To == phone && s.Outcome == SendOutcome.Accepted).Select(s => new OutboundSms(s.To, s.Body, s.OutboundId) { From = s.From })];

    /// <summary>Waits until at least <paramref name="count"/> messages to <paramref name="phone"/> were accepted.</summary>
    public async Task<IReadOnlyList<OutboundSms>> WaitForAsync(string phone, int count, TimeSpan timeout)
    {
        await Eventually.HoldsAsync(() => AcceptedFor(phone).Count >= count, timeout, $"{count} message(s) to {phone}");
        return AcceptedFor(phone);
    }
}

/// <summary>One send attempt as the carrier saw it.</summary>
public sealed record SentSms(string OutboundId, string To, string Body, SendOutcome Outcome)
{
    /// <summary>The sid the carrier gave the message when it took it (also when the answer was lost), else null.</summary>
    public string? TakenSid { get; init; }

    /// <summary>Our number it was asked to go from (null: Twilio:FromNumber).</summary>
    public string? From { get; init; }
}
