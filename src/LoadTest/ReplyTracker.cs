using System.Collections.Concurrent;
using System.Diagnostics;

namespace Switchboard.LoadTest;

/// <summary>
/// Matches replies captured by the fake Twilio to the inbound messages that caused them: the n-th reply to a number
/// answers that number's n-th acknowledged message (the service answers one sender in arrival order).
/// </summary>
public sealed class ReplyTracker
{
    private readonly ConcurrentDictionary<string, SenderLog> _senders = new(StringComparer.Ordinal);
    private long _unmatched;
    private long _foreign;

    public LatencyHistogram Latency { get; } = new();

    public long Unmatched => Interlocked.Read(ref _unmatched);

    public long Foreign => Interlocked.Read(ref _foreign);

    public long Expected => _senders.Values.Sum(s => s.Sent);

    public long Received => _senders.Values.Sum(s => s.Matched);

    /// <summary>Called before a message is sent (one sender sends one message at a time).</summary>
    public void Sending(string sender, long intendedStart) => _senders.GetOrAdd(sender, _ => new SenderLog()).Add(intendedStart);

    /// <summary>The message just sent was not acknowledged with 200: no reply is expected for it.</summary>
    public void Failed(string sender)
    {
        if (_senders.TryGetValue(sender, out var log))
        {
            log.RemoveLastIfUnanswered();
        }
    }

    public void Replied(string to, long capturedAt)
    {
        if (!_senders.TryGetValue(to, out var log))
        {
            Interlocked.Increment(ref _foreign);
            return;
        }

        if (log.TryMatch(out var sentAt))
        {
            Latency.Record(Stopwatch.GetElapsedTime(sentAt, capturedAt));
        }
        else
        {
            Interlocked.Increment(ref _unmatched);
        }
    }

    private sealed class SenderLog
    {
        private readonly List<long> _sentAt = [];
        private int _matched;

        public int Sent { get { lock (_sentAt) { return _sentAt.Count; } } }

        public int Matched { get { lock (_sentAt) { return _matched; } } }

        public void Add(long timestamp)
        {
            lock (_sentAt)
            {
                _sentAt.Add(timestamp);
            }
        }

        public void RemoveLastIfUnanswered()
        {
            lock (_sentAt)
            {
                if (_sentAt.Count > _matched)
                {
                    _sentAt.RemoveAt(_sentAt.Count - 1);
                }
            }
        }

        public bool TryMatch(out long sentAt)
        {
            lock (_sentAt)
            {
                sentAt = _matched < _sentAt.Count ? _sentAt[_matched] : 0;
                if (_matched >= _sentAt.Count)
                {
                    return false;
                }

                _matched++;
                return true;
            }
        }
    }
}
