using System.Collections.Concurrent;

namespace Switchboard.LoadTest;

/// <summary>Counters of a run, updated concurrently by the senders and read by the progress display.</summary>
public sealed class LoadStats
{
    private readonly ConcurrentDictionary<int, long> _statusCodes = new();
    private readonly ConcurrentDictionary<string, long> _errorKinds = new();
    private long _completed;
    private long _errors;
    private long _timeouts;
    private long _retries;
    private long _redelivered;
    private long _redeliveriesAcked;
    private long _unacknowledged;
    private long _failedRedeliveries;
    private long _measuredAcks;

    /// <summary>At most this many refusals are kept with their time (a run that refuses more has other problems).</summary>
    public const int MaxRefusalsKept = 50_000;

    private readonly ConcurrentQueue<Refusal> _refusals = new();

    /// <summary>Ack latency of first deliveries and their retries, after the warm-up.</summary>
    public LatencyHistogram Ack { get; } = new();

    /// <summary>Ack latency of redeliveries (same MessageSid again), after the warm-up.</summary>
    public LatencyHistogram RedeliveryAck { get; } = new();

    /// <summary>Requests completed: answered with any status, failed or timed out.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    public long Errors => Interlocked.Read(ref _errors);

    public long Timeouts => Interlocked.Read(ref _timeouts);

    /// <summary>Retries of a message after a 5xx or timeout (<c>--retry-5xx</c>).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Redeliveries sent (<c>--redeliver</c>).</summary>
    public long Redelivered => Interlocked.Read(ref _redelivered);

    public long RedeliveriesAcked => Interlocked.Read(ref _redeliveriesAcked);

    /// <summary>Messages whose first delivery (and retries) never got 200.</summary>
    public long Unacknowledged => Interlocked.Read(ref _unacknowledged);

    public long FailedRedeliveries => Interlocked.Read(ref _failedRedeliveries);

    /// <summary>200s of first deliveries and retries after the warm-up (the acks/s figure).</summary>
    public long MeasuredAcks => Interlocked.Read(ref _measuredAcks);

    public long NonOk => _statusCodes.Where(s => s.Key != 200).Sum(s => s.Value);

    public IReadOnlyDictionary<int, long> StatusCodes => new SortedDictionary<int, long>(_statusCodes);

    public IReadOnlyDictionary<string, long> ErrorKinds => new SortedDictionary<string, long>(_errorKinds, StringComparer.Ordinal);

    public void RecordResponse(int statusCode, TimeSpan latency, bool measured, bool redelivery = false)
    {
        if (measured)
        {
            (redelivery ? RedeliveryAck : Ack).Record(latency);
            if (statusCode == 200 && !redelivery)
            {
                Interlocked.Increment(ref _measuredAcks);
            }
        }

        _statusCodes.AddOrUpdate(statusCode, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _completed);
    }

    /// <summary>A request not answered 200 (status 0: timeout or connection error), with when and for whom.</summary>
    public void RecordRefusal(string sender, int status)
    {
        if (_refusals.Count < MaxRefusalsKept)
        {
            _refusals.Enqueue(new Refusal(DateTimeOffset.UtcNow, sender, status));
        }
    }

    public IReadOnlyList<Refusal> Refusals => [.. _refusals.OrderBy(r => r.At)];

    public void RecordTimeout()
    {
        Interlocked.Increment(ref _timeouts);
        RecordError("timeout");
    }

    public void RecordError(string kind)
    {
        Interlocked.Increment(ref _errors);
        _errorKinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _completed);
    }

    public void RecordRetry() => Interlocked.Increment(ref _retries);

    public void RecordUnacknowledged() => Interlocked.Increment(ref _unacknowledged);

    public void RecordRedelivery(bool acked)
    {
        Interlocked.Increment(ref _redelivered);
        Interlocked.Increment(ref acked ? ref _redeliveriesAcked : ref _failedRedeliveries);
    }
}

/// <summary>
/// A webhook request that did not get 200: wall-clock time (to set against the times of injected faults), sender and
/// status (0 for a timeout or a connection error).
/// </summary>
public sealed record Refusal(DateTimeOffset At, string Sender, int Status);
