using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Switchboard.Hosting;

/// <summary>Metrics for operators: Orleans' own, ASP.NET Core's and the host's meters, scraped at GET /metrics.</summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    /// <param name="meters">Further meters of the host (the silo adds the "switchboard" meter of the grains).</param>
    public static IServiceCollection AddSwitchboardTelemetry(this IServiceCollection services, params string[] meters)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(["Microsoft.Orleans", .. meters])
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return services;
    }
}
