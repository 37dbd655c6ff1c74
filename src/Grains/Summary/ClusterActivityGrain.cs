using Switchboard.Contracts;

namespace Switchboard.Grains.Summary;

/// <inheritdoc cref="IClusterActivityGrain"/>
public sealed class ClusterActivityGrain(TimeProvider time) : Grain, IClusterActivityGrain
{
    /// <summary>A silo silent for three report periods has left (or cannot reach us): its counts are dropped.</summary>
    private static readonly TimeSpan Stale = SiloActivityReporter.Period * 3;

    private readonly Dictionary<string, (SiloActivityReport Report, DateTimeOffset ReceivedAt)> _silos = new(StringComparer.Ordinal);

    public Task Report(SiloActivityReport report)
    {
        _silos[report.Silo] = (report, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<ClusterActivity> Get()
    {
        var now = time.GetUtcNow();
        foreach (var silo in _silos.Where(s => now - s.Value.ReceivedAt > Stale).Select(s => s.Key).ToList())
        {
            _silos.Remove(silo);
        }

        var reports = _silos.Values.Select(s => s.Report).ToList();
        return Task.FromResult(new ClusterActivity(
            reports.Sum(r => r.ActiveConversations),
            reports.Sum(r => r.TurnsInFlight),
            reports.Sum(r => r.RepliesRetrying),
            reports.Count,
            reports.Count == 0 ? null : reports.Min(r => r.At))
        {
            TurnsLastMinute = reports.Sum(r => r.TurnsLastMinute),
        });
    }
}
