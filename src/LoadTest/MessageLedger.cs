using System.Diagnostics;

namespace Switchboard.LoadTest;

/// <summary>
/// Exact accounting per MessageSid. Every reply the service sends names the inbound message it answers in its
/// StatusCallback (<c>?id=&lt;phone&gt;:&lt;MessageSid&gt;:reply</c>), so a reply is tied to one message of this run, not to
/// "the n-th message of that number". Thread-safe; timestamps are <see cref="Stopwatch"/> ticks, passed in so that the
/// accounting can be tested with synthetic sends and replies.
/// </summary>
public sealed class MessageLedger(long measureFrom = long.MinValue, TimeSeries? series = null)
{
    private long _measureFrom = measureFrom;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SenderOrder> _senders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _other = new(StringComparer.Ordinal);
    private long _replyPosts;
    private long _unmatched;
    private long _outOfOrder;

    public LatencyHistogram ReplyLatency { get; } = new();

    /// <summary>Replies (<c>:reply</c>) that answer a message of this run, first ones only.</summary>
    public long AnsweredMessages { get { lock (_gate) { return _messages.Values.Count(m => m.Replies > 0); } } }

    /// <summary>Messages acknowledged with 200 (once each, whatever the redeliveries).</summary>
    public long AcknowledgedMessages { get { lock (_gate) { return _messages.Values.Count(m => m.AckIndex >= 0); } } }

    /// <summary>Acknowledged messages still waiting for their reply.</summary>
    public long Outstanding { get { lock (_gate) { return _messages.Values.Count(m => m.AckIndex >= 0 && m.Replies == 0); } } }

    /// <summary>Messages first sent before <paramref name="measureFrom"/> (the warm-up) are not in the reply latency.</summary>
    public void Start(long measureFrom) => Interlocked.Exchange(ref _measureFrom, measureFrom);

    /// <summary>The first delivery of a message is about to be sent (its <paramref name="sentAt"/> is the latency origin).</summary>
    public void Sent(string messageSid, string sender, long sentAt)
    {
        lock (_gate)
        {
            _messages.TryAdd(messageSid, new Entry(sender, sentAt, sentAt >= Interlocked.Read(ref _measureFrom)));
        }
    }

    /// <summary>A delivery of <paramref name="messageSid"/> (first, retry or redelivery) got 200. Only the first 200 counts.</summary>
    public void Acked(string messageSid)
    {
        lock (_gate)
        {
            if (!_messages.TryGetValue(messageSid, out var entry) || entry.AckIndex >= 0)
            {
                return;
            }

            var sender = Sender(entry.Sender);
            entry.AckIndex = sender.AckCount++;
        }
    }

    /// <summary>
    /// The fake Twilio captured an outbound message. <paramref name="statusCallback"/> is its StatusCallback URL (or
    /// the bare outbound id); <paramref name="capturedAt"/> when it arrived.
    /// </summary>
    public ReplyKind Replied(string? statusCallback, long capturedAt)
    {
        var id = OutboundIdOf(statusCallback);
        lock (_gate)
        {
            _replyPosts++;
            if (id is not { } parsed)
            {
                _unmatched++;
                return ReplyKind.Unmatched;
            }

            if (parsed.Purpose != "reply")
            {
                _other[parsed.Purpose] = _other.GetValueOrDefault(parsed.Purpose) + 1;
                return ReplyKind.Other;
            }

            if (!_messages.TryGetValue(parsed.MessageSid, out var entry))
            {
                _unmatched++;
                return ReplyKind.Unmatched;
            }

            entry.Replies++;
            if (entry.Replies > 1)
            {
                return ReplyKind.Duplicate;
            }

            if (entry.Measured)
            {
                ReplyLatency.Record(Stopwatch.GetElapsedTime(entry.SentAt, capturedAt));
                series?.Replied(capturedAt);
            }

            if (entry.AckIndex < 0)
            {
                // Answered before any delivery got its 200 (a write that finished after the service's deadline): the
                // order among the sender's acknowledged messages is not known yet. Unacked at the end is counted apart.
                return ReplyKind.Answer;
            }

            // Replies to one sender must come in the order its messages were acknowledged.
            var sender = Sender(entry.Sender);
            if (entry.AckIndex < sender.HighestAnswered)
            {
                _outOfOrder++;
                return ReplyKind.OutOfOrder;
            }

            sender.HighestAnswered = entry.AckIndex;
            return ReplyKind.Answer;
        }
    }

    public LedgerSummary Summarize()
    {
        lock (_gate)
        {
            var messages = _messages.Values;
            return new LedgerSummary(
                Sent: messages.Count,
                Acked: messages.Count(m => m.AckIndex >= 0),
                Replies: messages.Count(m => m.Replies > 0),
                Lost: messages.Count(m => m.AckIndex >= 0 && m.Replies == 0),
                Duplicates: messages.Count(m => m.Replies > 1),
                DuplicateReplies: messages.Sum(m => Math.Max(0, m.Replies - 1)),
                OutOfOrder: _outOfOrder,
                Unmatched: _unmatched,
                RepliesToUnacked: messages.Count(m => m.AckIndex < 0 && m.Replies > 0),
                ReplyPosts: _replyPosts,
                OtherMessages: new SortedDictionary<string, long>(_other, StringComparer.Ordinal),
                WarmupMessages: messages.Count(m => !m.Measured));
        }
    }

    /// <summary>The MessageSids of acknowledged messages that have no reply (for the report, at most <paramref name="max"/>).</summary>
    public IReadOnlyList<string> LostSids(int max)
    {
        lock (_gate)
        {
            return [.. _messages.Where(m => m.Value.AckIndex >= 0 && m.Value.Replies == 0).Select(m => m.Key).Take(max)];
        }
    }

    /// <summary>
    /// "+15550100001:SM…:reply" from a StatusCallback URL (<c>…/twilio/status?id=%2B1555…%3ASM…%3Areply</c>) or from the
    /// bare id; null when there is none. The phone may itself contain ':' (whatsapp:+1…): sid and purpose are the last two parts.
    /// </summary>
    public static OutboundIdParts? OutboundIdOf(string? statusCallback)
    {
        if (string.IsNullOrWhiteSpace(statusCallback))
        {
            return null;
        }

        var id = statusCallback;
        var query = statusCallback.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            id = null;
            foreach (var pair in statusCallback[(query + 1)..].Split('&'))
            {
                if (pair.StartsWith("id=", StringComparison.Ordinal))
                {
                    id = Uri.UnescapeDataString(pair[3..].Replace('+', ' '));
                }
            }
        }

        if (id is null || (query < 0 && id.Contains('/', StringComparison.Ordinal)))
        {
            return null; // a callback URL without an id
        }

        var last = id.LastIndexOf(':');
        var middle = last > 0 ? id.LastIndexOf(':', last - 1) : -1;
        return middle <= 0 || last == id.Length - 1
            ? null
            : new OutboundIdParts(id[..middle], id[(middle + 1)..last], id[(last + 1)..]);
    }

    private SenderOrder Sender(string sender)
    {
        if (!_senders.TryGetValue(sender, out var order))
        {
            _senders[sender] = order = new SenderOrder();
        }

        return order;
    }

    private sealed class Entry(string sender, long sentAt, bool measured)
    {
        public string Sender { get; } = sender;

        public long SentAt { get; } = sentAt;

        public bool Measured { get; } = measured;

        /// <summary>Position among this sender's acknowledged messages; -1 until acknowledged.</summary>
        public int AckIndex { get; set; } = -1;

        public int Replies { get; set; }
    }

    private sealed class SenderOrder
    {
        public int AckCount { get; set; }

        public int HighestAnswered { get; set; } = -1;
    }
}

public enum ReplyKind
{
    Answer,
    OutOfOrder,
    Duplicate,
    Unmatched,
    Other,
}

/// <summary>An outbound id: the phone it goes to, the inbound MessageSid it belongs to, and its purpose (reply, interim…).</summary>
public readonly record struct OutboundIdParts(string Phone, string MessageSid, string Purpose);

/// <summary>
/// Per-MessageSid figures of a run. <c>Lost</c>: acknowledged, no reply. <c>Duplicates</c>: messages with more than one
/// reply. <c>OutOfOrder</c>: replies that came after a reply to a message of the same sender acknowledged later.
/// <c>Unmatched</c>: replies whose id names no message of this run. <c>RepliesToUnacked</c>: answers to messages that
/// never got 200 (the service took a message it refused or timed out on). <c>OtherMessages</c>: interim, overflow,
/// reminder… notices by purpose.
/// </summary>
public sealed record LedgerSummary(
    long Sent,
    long Acked,
    long Replies,
    long Lost,
    long Duplicates,
    long DuplicateReplies,
    long OutOfOrder,
    long Unmatched,
    long RepliesToUnacked,
    long ReplyPosts,
    IReadOnlyDictionary<string, long> OtherMessages,
    long WarmupMessages);
