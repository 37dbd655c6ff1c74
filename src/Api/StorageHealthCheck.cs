using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>
/// Healthy when a silo activates a grain and grain storage accepts a write within Health:ProbeTimeout. One instance per
/// host answers from its last probe while that is younger than Health:ProbeInterval; requests arriving after that wait
/// for one new probe together. Probing per request would queue every request's write on the one non-reentrant probe
/// grain, so a flood of /health calls would become a flood of storage writes.
/// </summary>
internal sealed class StorageHealthCheck(
    IGrainFactory grains, IOptions<HealthOptions> options, [FromKeyedServices(StorageHealthCheck.Clock)] TimeProvider time) : IHealthCheck
{
    /// <summary>Key of the TimeProvider that ages probe results (tests replace it).</summary>
    public const string Clock = "health";

    private static readonly string Probe = IHealthProbeGrain.KeyFor("probe");

    private readonly Lock _lock = new();

    /// <summary>The last probe, or the one under way.</summary>
    private Task<Reading>? _reading;

    /// <summary>The probe grain's write. A hung one is waited for again by the next probe, never queued behind.</summary>
    private Task? _write;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<Reading> reading;
        lock (_lock)
        {
            if (_reading is null || (_reading.IsCompleted && time.GetUtcNow() - _reading.Result.CheckedAt >= options.Value.ProbeInterval))
            {
                _reading = ProbeAsync();
            }

            reading = _reading;
        }

        // A request that goes away stops waiting; the probe goes on for the others.
        return (await reading.WaitAsync(cancellationToken)).Result;
    }

    private async Task<Reading> ProbeAsync()
    {
        HealthCheckResult result;
        try
        {
            if (_write is not { IsCompleted: false })
            {
                _write = grains.GetGrain<IHealthProbeGrain>(Probe).Check();
            }

            await _write.WaitAsync(options.Value.ProbeTimeout, time);
            result = HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            // Described, not passed on: the health-check log would print the raw exception, grain ids and all.
            result = HealthCheckResult.Unhealthy($"grains or grain storage do not answer: {PhoneMask.Describe(ex)}");
        }

        return new Reading(result, time.GetUtcNow());
    }

    private sealed record Reading(HealthCheckResult Result, DateTimeOffset CheckedAt);
}
