using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Switchboard.Hosting;

/// <summary>Metrics for operators: Orleans' own, the .NET runtime's, ASP.NET Core's and the host's meters, scraped at GET /metrics.</summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>.NET's own meter: GC heap and collections, allocation rate, CPU time, thread-pool queue, per process.</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <param name="meters">Further meters of the host (the silo adds the "switchboard" meter of the grains).</param>
    public static IServiceCollection AddSwitchboardTelemetry(this IServiceCollection services, params string[] meters)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(["Microsoft.Orleans", RuntimeMeter, .. meters])
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return services;
    }
}
