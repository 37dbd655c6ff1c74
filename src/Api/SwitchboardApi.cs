using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using Switchboard.Api.Email;
using Switchboard.Api.Logging;
using Switchboard.Api.Ops;
using Switchboard.Contracts;
using Switchboard.Hosting;

namespace Switchboard.Api;

/// <summary>Wires the HTTP surface into a host: options, health checks, and the endpoint groups.</summary>
public static class SwitchboardApi
{
    public static IServiceCollection AddSwitchboardApi(this IServiceCollection services, IConfiguration configuration)
    {
        // Every host of the HTTP surface (the co-hosted silo, a stand-alone front end) masks phone numbers in all logs.
        services.AddPhoneNumberRedaction();
        services.AddTwilioOptions(configuration);
        services.AddEmailOptions(configuration);
        services.AddValidatedOptions<WebhookOptions>(configuration, WebhookOptions.Section);
        services.AddValidatedOptions<AdminOptions>(configuration, AdminOptions.Section);
        services.AddValidatedOptions<DashboardAccessOptions>(configuration, DashboardAccessOptions.Section)
            .Validate<IOptions<AdminOptions>>(
                (dashboard, admin) => string.IsNullOrEmpty(dashboard.Password) || !admin.Value.Accepts(dashboard.Password),
                "Dashboard:Password must not be Admin:ApiKey: the dashboard shows people's texts, which not every admin key holder may read.");
        services.TryAddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi(o => o.AddDocumentTransformer<AdminKeySecurity>());

        // Errors the framework answers itself come as problem details too. A parameter that cannot be bound (an
        // unreadable JSON body: 400, not JSON: 415) is thrown in every environment, not only in Development, and
        // answered by AdminGate (UseSwitchboardApi) with what is wrong, never by the developer exception page.
        services.AddProblemDetails();
        services.PostConfigure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // The host's table client (the silo's, or a front end's with storage configured) is the watch's probe.
        services.AddSingleton(sp => new StorageWatch(
            sp.GetService<TableServiceClient>() is { } tables ? new StorageProbe(tables, sp.GetRequiredService<TimeProvider>()) : null,
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<IOptions<WebhookOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<StorageWatch>>()));
        services.AddHostedService(sp => sp.GetRequiredService<StorageWatch>());
        services.AddValidatedOptions<HealthOptions>(configuration, HealthOptions.Section);
        services.AddOpsConsole(configuration);
        services.TryAddKeyedSingleton(StorageHealthCheck.Clock, (sp, _) => sp.GetRequiredService<TimeProvider>());
        services.AddSingleton<StorageHealthCheck>(); // one per host: it keeps the last probe's result
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("grains-and-storage", tags: ["ready"]);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Behind an ingress the public scheme and host come in X-Forwarded-*; the signature covers the URL
            // Twilio called. Trusting the headers is safe here: a forged host only makes the signature check fail.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
        });
        return services;
    }

    public static IEndpointRouteBuilder MapSwitchboardApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi(); // GET /openapi/v1.json
        if (endpoints.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            // An interactive reference of /openapi/v1.json; the admin key is typed into its authentication box.
            endpoints.MapScalarApiReference("/scalar", o => o.WithTitle("Switchboard API").AddPreferredSecuritySchemes(AdminKeySecurity.SchemeId));
        }

        endpoints.MapTwilioWebhookApi();
        endpoints.MapEmailInboundApi();
        // The email webhook's counters at 0 from the start (this meter lives in every host of the HTTP surface).
        endpoints.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(EmailMetrics.PublishCounters);
        endpoints.MapAdminApi();
        endpoints.MapEmployeesApi();
        endpoints.MapOpsConsole();
        endpoints.MapHealthChecks("/health", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        return endpoints;
    }
}
