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

    public LatencyHistogram Ack { get; } = new();

    public long Completed => Interlocked.Read(ref _completed);

    public long Errors => Interlocked.Read(ref _errors);

    public long Timeouts => Interlocked.Read(ref _timeouts);

    public long NonOk => _statusCodes.Where(s => s.Key != 200).Sum(s => s.Value);

    public IReadOnlyDictionary<int, long> StatusCodes => new SortedDictionary<int, long>(_statusCodes);

    public IReadOnlyDictionary<string, long> ErrorKinds => new SortedDictionary<string, long>(_errorKinds, StringComparer.Ordinal);

    public void RecordResponse(int statusCode, TimeSpan latency)
    {
        Ack.Record(latency);
        _statusCodes.AddOrUpdate(statusCode, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _completed);
    }

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
}
