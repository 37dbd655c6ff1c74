using HdrHistogram;

namespace Switchboard.LoadTest;

/// <summary>A thread-safe HdrHistogram of latencies in microseconds (1 µs to 1 h, 3 significant digits).</summary>
public sealed class LatencyHistogram
{
    private static readonly long Highest = (long)TimeSpan.FromHours(1).TotalMicroseconds;
    private readonly LongConcurrentHistogram _histogram = new(1, Highest, 3);

    public void Record(TimeSpan latency) => _histogram.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, Highest));

    public LatencySummary Summarize()
    {
        var copy = _histogram.Copy();
        if (copy.TotalCount == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0);
        }

        double Ms(double percentile) => copy.GetValueAtPercentile(percentile) / 1000.0;
        return new LatencySummary(
            copy.TotalCount, copy.GetMean() / 1000.0, Ms(50), Ms(90), Ms(99), Ms(99.9), Ms(99.99), copy.GetMaxValue() / 1000.0);
    }
}

/// <summary>Latency figures in milliseconds.</summary>
public sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double P9999Ms, double MaxMs);
