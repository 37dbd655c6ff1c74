using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Api;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>
/// GET /health answers from its last probe of grains and storage: a flood of requests costs one probe write per
/// Health:ProbeInterval, and storage that fails or hangs still turns it 503 within one interval. The probe results age
/// on a fake clock, so "within one interval" is exact, not a race with the wall clock.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class HealthTests(HttpFixture fixture)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _clock = new();
    private readonly GrainStorageFaults _storage = new();

    [Fact]
    public async Task Two_hundred_concurrent_requests_cost_one_probe_write_and_the_next_interval_one_more()
    {
        await using var host = Host();
        var client = host.CreateClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.GetAsync("/health")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(1, ProbeWrites());

        _clock.Advance(Interval);
        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.GetAsync("/health")));
        Assert.Equal(2, ProbeWrites());
    }

    [Fact]
    public async Task Failing_storage_turns_health_503_within_one_interval_and_back_to_200_when_it_answers()
    {
        await using var host = Host();
        var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        _storage.Failing = IsHealthProbe;
        var cached = await client.GetAsync("/health");
        _clock.Advance(Interval);
        var failed = await client.GetAsync("/health");
        _storage.Failing = _ => false;
        _clock.Advance(Interval);
        var back = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, cached.StatusCode); // the last probe, younger than an interval
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Fact]
    public async Task A_probe_that_hangs_past_the_timeout_is_unhealthy()
    {
        await using var host = Host();
        var client = host.CreateClient();
        using var release = _storage;
        _storage.Hanging = IsHealthProbe;

        var health = client.GetAsync("/health");
        // Moves the clock until the probe's deadline, set once the probe starts, has passed.
        await Eventually.HoldsAsync(
            () =>
            {
                _clock.Advance(ProbeTimeout);
                return health.IsCompleted;
            },
            TimeSpan.FromSeconds(30),
            "/health to answer");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await health).StatusCode);
    }

    private WebApplicationFactory<Program> Host() => fixture.Factory.WithWebHostBuilder(b =>
    {
        b.UseSetting("Health:ProbeInterval", Interval.ToString());
        b.UseSetting("Health:ProbeTimeout", ProbeTimeout.ToString());
        b.ConfigureTestServices(s =>
        {
            _storage.InstallIn(s);
            s.AddKeyedSingleton<TimeProvider>(StorageHealthCheck.Clock, _clock);
        });
    });

    /// <summary>The probe grain of /health (the storage watch has its own, "storage-watch:…").</summary>
    private static bool IsHealthProbe(GrainId grain) => grain.Key.ToString()!.StartsWith("probe:", StringComparison.Ordinal);

    private int ProbeWrites() => _storage.Writes(IsHealthProbe);
}
