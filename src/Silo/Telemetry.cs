using OpenTelemetry.Metrics;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Silo;

/// <summary>Metrics for operators: our "switchboard" meter, Orleans', the .NET runtime's and ASP.NET Core's, scraped at GET /metrics.</summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>.NET's own meter: GC heap and collections, allocation rate, CPU time, thread-pool queue, per process.</summary>
    public const string RuntimeMeter = "System.Runtime";

    public static IServiceCollection AddSwitchboardTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SwitchboardMetrics.MeterName, "Microsoft.Orleans", RuntimeMeter)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return services;
    }
}
