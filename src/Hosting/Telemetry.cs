using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts;

namespace Switchboard.Hosting;

/// <summary>
/// Metrics for operators: Orleans', the .NET runtime's, ASP.NET Core's and the host's meters (the silo adds the grains'
/// "switchboard" meter), scraped at GET /metrics.
/// When OTEL_EXPORTER_OTLP_ENDPOINT is set, the same metrics are also exported over OTLP, and so are traces: the
/// webhook request, the turn it starts, one span per agent step, the model calls (gen_ai spans), the reply's send and the
/// HTTP calls under them, in one trace.
/// </summary>
public static class Telemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>.NET's own meter: GC heap and collections, allocation rate, CPU time, thread-pool queue, per process.</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>The standard OpenTelemetry variables, read from configuration (environment, appsettings, command line).</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";
    public const string DefaultServiceName = "switchboard";

    /// <summary>Orleans' spans of application grain calls (with AddActivityPropagation on the silo).</summary>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    /// <param name="meters">Further meters of the host (the silo adds the "switchboard" meter of the grains).</param>
    public static IServiceCollection AddSwitchboardTelemetry(this IServiceCollection services, IConfiguration configuration, params string[] meters)
    {
        // No endpoint, no OTLP export: metrics are only scraped at /metrics, and no tracer provider is registered, so
        // nothing listens to the activity sources and no span is even created (the webhook still records its
        // request's traceparent, and turn records their trace id, when ASP.NET Core has one).
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
        var serviceName = configuration[ServiceNameKey] is { Length: > 0 } name ? name : DefaultServiceName;
        var otel = services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics
                .AddMeter(["Microsoft.Orleans", RuntimeMeter, SwitchboardTracing.ModelSourceName, .. meters])
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter();
            if (otlp)
            {
                // The same metrics pushed too (interval: OTEL_METRIC_EXPORT_INTERVAL); /metrics stays.
                metrics.ConfigureResource(resource => resource.AddService(serviceName)).AddOtlpExporter();
            }
        });

        if (!otlp)
        {
            return services;
        }

        otel.WithTracing(tracing => tracing
            .ConfigureResource(resource => resource.AddService(serviceName))
            .AddSource(SwitchboardTracing.SourceName, SwitchboardTracing.ModelSourceName, OrleansApplicationSource)
            .SetSampler(new ParentBasedSampler(new RequestsAndOwnSpansOnly()))
            .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsScrape(context.Request.Path))
            .AddHttpClientInstrumentation()
            .AddProcessor(new PhoneMaskingProcessor()) // before the exporter: it sees the masked span
            // Endpoint, protocol (grpc or http/protobuf), headers and OTEL_BSP_* batching come from configuration.
            .AddOtlpExporter());
        return services;
    }

    private static bool IsScrape(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");

    /// <summary>
    /// Which spans may start a trace: an HTTP request to us, or one of our own spans (a turn or a send whose message
    /// came without a trace context). Not the background chatter, which would start a trace every few seconds: the
    /// storage watch's probe, reminder ticks and polling, and the storage calls under them.
    /// </summary>
    private sealed class RequestsAndOwnSpansOnly : Sampler
    {
        private const string AspNetCoreRequest = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

        public override SamplingResult ShouldSample(in SamplingParameters parameters) =>
            parameters.Name == AspNetCoreRequest || parameters.Kind == System.Diagnostics.ActivityKind.Internal
                ? new SamplingResult(SamplingDecision.RecordAndSample)
                : new SamplingResult(SamplingDecision.Drop);
    }
}
