using System.ComponentModel.DataAnnotations;

namespace Switchboard.Api;

/// <summary>Configuration section "Health": how GET /health probes grains and storage (see <see cref="StorageHealthCheck"/>).</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>How long a probe's result answers /health; at most one probe write per interval, whatever the request rate.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A probe write unanswered this long counts as unhealthy (inside the 6 s the deploy manifests' readiness probes wait).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
