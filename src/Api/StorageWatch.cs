using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>
/// Probes grain storage every <see cref="WebhookOptions.StorageCheckPeriod"/> (a write through the health probe
/// grain), so that in <see cref="AckMode.OneWay"/> the webhook can answer 503 while storage is down instead of
/// acknowledging messages it cannot keep. An outage is noticed within one period plus the probe timeout; messages
/// acknowledged before that are the ones OneWay can lose (counted as lost by the conversation).
/// </summary>
public sealed partial class StorageWatch(
    IGrainFactory grains, IHostApplicationLifetime lifetime, IOptions<WebhookOptions> options, TimeProvider time, ILogger<StorageWatch> logger)
    : BackgroundService
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private volatile bool _down;

    // The watch's own probe call. A call outlives its timeout while the storage client retries; a new probe waits
    // for it rather than queue behind it on the probe grain, so an outage cannot build a backlog of probes.
    private Task? _probe;

    /// <summary>True from a failed probe until the next one succeeds.</summary>
    public bool IsDown => _down;

    /// <summary>One write through the probe grain: proves a silo serves grains and grain storage accepts writes.</summary>
    public static Task ProbeAsync(IGrainFactory grains, CancellationToken cancellationToken) =>
        grains.GetGrain<IHealthProbeGrain>("probe").Check().WaitAsync(ProbeTimeout, cancellationToken);

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
                _probe = grains.GetGrain<IHealthProbeGrain>("probe").Check();
            }

            await _probe.WaitAsync(ProbeTimeout, stoppingToken);
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
