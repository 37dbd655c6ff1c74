using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>Healthy when a silo activates a grain and grain storage accepts a write, within five seconds.</summary>
internal sealed class StorageHealthCheck(IGrainFactory grains) : IHealthCheck
{
    private static readonly string Probe = IHealthProbeGrain.KeyFor("probe");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IHealthProbeGrain>(Probe).Check().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            // Described, not passed on: the health-check log would print the raw exception, grain ids and all.
            return HealthCheckResult.Unhealthy($"grains or grain storage do not answer: {PhoneMask.Describe(ex)}");
        }
    }
}
