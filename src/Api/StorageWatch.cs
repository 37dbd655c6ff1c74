using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>
/// Watches grain storage so the webhook answers 503 during an outage instead of acknowledging messages it cannot
/// keep (a one-way hand-off could not tell; an awaited one would fail only after the storage client's retries).
/// Every <see cref="WebhookOptions.StorageCheckPeriod"/> it writes through the health probe grain. Storage is down
/// when that write fails (refused connections fail after the client's retries, about 6 s) or hangs for
/// <see cref="HungAfter"/>. A write that is slow but succeeds is load, not an outage: refusing then would turn
/// messages that are only late into messages Twilio never delivers again.
/// </summary>
public sealed partial class StorageWatch(
    IGrainFactory grains, IHostApplicationLifetime lifetime, IOptions<WebhookOptions> options, TimeProvider time, ILogger<StorageWatch> logger)
    : BackgroundService
{
    /// <summary>A probe write taking this long is a hang, not load (saturated storage answers within a few seconds).</summary>
    public static readonly TimeSpan HungAfter = TimeSpan.FromSeconds(10);

    private static readonly string WatchProbe = IHealthProbeGrain.KeyFor("storage-watch");

    private volatile bool _down;

    // The probe in flight. A new check waits for it rather than queue another call behind it on the probe grain,
    // so a long outage cannot build a backlog of probes to drain once storage is back.
    private Task? _probe;

    /// <summary>True from a failed probe until the next one succeeds.</summary>
    public bool IsDown => _down;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Co-hosted, the silo may still be starting while hosted services start: probe once the host is up.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(options.Value.StorageCheckPeriod, time);
        do
        {
            await CheckAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task CheckAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (_probe is not { IsCompleted: false })
            {
                // Its own probe grain: /health's calls must not queue behind a hung watch probe, nor the other way.
                _probe = grains.GetGrain<IHealthProbeGrain>(WatchProbe).Check();
            }

            await _probe.WaitAsync(HungAfter, time, stoppingToken);
            if (_down)
            {
                _down = false;
                StorageBack(logger);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            if (!_down)
            {
                _down = true;
                StorageDown(logger, PhoneMask.Describe(ex));
            }
        }
    }

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Grain storage does not answer ({Error}): the webhook answers 503 until it does")]
    private static partial void StorageDown(ILogger logger, string error);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Grain storage answers again: the webhook acknowledges messages again")]
    private static partial void StorageBack(ILogger logger);
}
