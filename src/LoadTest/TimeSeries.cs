using System.Diagnostics;

namespace Switchboard.LoadTest;

/// <summary>
/// Per-second figures from <paramref name="origin"/> (the end of the warm-up): first sends, acks (200), replies and the
/// ack latency percentiles of the acks that completed in that second. Anything before the origin is not recorded.
/// </summary>
public sealed class TimeSeries(long origin)
{
    private long _origin = origin;

    private readonly Lock _gate = new();
    private readonly List<Bucket> _buckets = [];

    public long Origin => Interlocked.Read(ref _origin);

    /// <summary>Sets the origin when it is known only after construction (the first send).</summary>
    public void Start(long at) => Interlocked.Exchange(ref _origin, at);

    public void Sent(long at) => Add(at, b => b.Sent++);

    public void Acked(long at, TimeSpan latency) => Add(at, b =>
    {
        b.Acked++;
        b.AckLatenciesMs.Add(latency.TotalMilliseconds);
    });

    public void Replied(long at) => Add(at, b => b.Replies++);

    public IReadOnlyList<SecondFigures> Snapshot()
    {
        lock (_gate)
        {
            return [.. _buckets.Select((b, second) =>
            {
                var sorted = b.AckLatenciesMs.Order().ToArray();
                return new SecondFigures(second, b.Sent, b.Acked, b.Replies, Percentile(sorted, 50), Percentile(sorted, 99));
            })];
        }
    }

    /// <summary>Nearest-rank percentile of sorted values (0 when empty).</summary>
    public static double Percentile(double[] sorted, double percentile)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return Math.Round(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)], 3);
    }

    private void Add(long at, Action<Bucket> update)
    {
        var origin = Origin;
        if (at < origin)
        {
            return;
        }

        var second = (int)Stopwatch.GetElapsedTime(origin, at).TotalSeconds;
        lock (_gate)
        {
            while (_buckets.Count <= second)
            {
                _buckets.Add(new Bucket());
            }

            update(_buckets[second]);
        }
    }

    private sealed class Bucket
    {
        public long Sent { get; set; }

        public long Acked { get; set; }

        public long Replies { get; set; }

        public List<double> AckLatenciesMs { get; } = [];
    }
}

/// <summary>One second of a run (second 0 starts when the warm-up ends).</summary>
public sealed record SecondFigures(int Second, long Sent, long Acked, long Replies, double AckP50Ms, double AckP99Ms);
