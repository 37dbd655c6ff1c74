using OpenTelemetry.Metrics;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Silo;

/// <summary>Metrics for operators: our "switchboard" meter, Orleans' own and ASP.NET Core's, scraped at GET /metrics.</summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddSwitchboardTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SwitchboardMetrics.MeterName, "Microsoft.Orleans")
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return services;
    }
}
