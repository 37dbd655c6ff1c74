using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Hosting;

namespace Switchboard.Api;

/// <summary>
/// Watches grain storage so the webhook answers 503 during an outage instead of acknowledging messages it cannot
/// keep (a one-way hand-off could not tell; an awaited one would fail only after the storage client's retries).
/// Every <see cref="WebhookOptions.StorageCheckPeriod"/> it writes to the storage account directly
/// (<see cref="StorageProbe"/>), through no silo: a silo dying with a probe in flight must not refuse every sender of
/// this host while the call waits out Orleans' response timeout. Storage is down when that write fails (refused
/// connections fail after the client's retries, about 6 s) or hangs for <see cref="HungAfter"/>. A write that is slow
/// but succeeds is load, not an outage: refusing then would turn messages that are only late into messages Twilio
/// never delivers again. A host without configured storage (a front end on localhost clustering) watches nothing.
/// </summary>
public sealed partial class StorageWatch(
    StorageProbe? probe, IHostApplicationLifetime lifetime, IOptions<WebhookOptions> options, TimeProvider time, ILogger<StorageWatch> logger)
    : BackgroundService
{
    /// <summary>A probe write taking this long is a hang, not load (saturated storage answers within a few seconds).</summary>
    public static readonly TimeSpan HungAfter = TimeSpan.FromSeconds(10);

    private volatile bool _down;

    // The probe in flight. A new check waits for it rather than start another, so a long outage cannot build a
    // backlog of writes to drain once storage is back.
    private Task? _probe;

    /// <summary>True from a failed probe until the next one succeeds.</summary>
    public bool IsDown => _down;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (probe is null)
        {
            NotWatching(logger);
            return;
        }

        // Probe once the host is up: a co-hosted silo creates what it needs while hosted services start.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(options.Value.StorageCheckPeriod, time);
        do
        {
            await CheckAsync(probe, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task CheckAsync(StorageProbe probe, CancellationToken stoppingToken)
    {
        try
        {
            if (_probe is not { IsCompleted: false })
            {
                _probe = probe.WriteAsync(stoppingToken);
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

    [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "No storage configured on this host (ConnectionStrings:AzureStorage): the webhook does not watch storage; Durable mode still refuses what it cannot keep")]
    private static partial void NotWatching(ILogger logger);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Grain storage answers again: the webhook acknowledges messages again")]
    private static partial void StorageBack(ILogger logger);
}
