using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts;

namespace Switchboard.Grains.Summary;

/// <summary>
/// Sends this silo's <see cref="SiloActivity"/> to the cluster's <see cref="IClusterActivityGrain"/> every
/// <see cref="Period"/>: one small grain call per silo, and GET /admin/summary never fans out to the silos.
/// </summary>
public sealed partial class SiloActivityReporter(
    SiloActivity activity, ILocalSiloDetails silo, IGrainFactory grains, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<SiloActivityReporter> logger)
    : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        using var timer = new PeriodicTimer(Period, time);
        var turnsLastMinute = new LastMinute();
        do
        {
            try
            {
                var now = time.GetUtcNow();
                var report = new SiloActivityReport(
                    silo.SiloAddress.ToString(), activity.ActiveConversations, activity.TurnsInFlight, activity.RepliesRetrying, now)
                {
                    TurnsLastMinute = turnsLastMinute.Add(now, activity.TurnsFinished),
                };
                await grains.GetGrain<IClusterActivityGrain>(IClusterActivityGrain.Key).Report(report);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                ReportFailed(logger, PhoneMask.Describe(ex)); // the summary leaves this silo out until the next report
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Debug, Message = "This silo's activity could not be reported for the summary: {Error}")]
    private static partial void ReportFailed(ILogger logger, string error);
}
