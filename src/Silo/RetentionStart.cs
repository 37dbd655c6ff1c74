using Switchboard.Contracts;
using Switchboard.Grains.Retention;

namespace Switchboard.Silo;

/// <summary>
/// Makes sure the retention sweep's reminder exists once the silo serves grains. Every silo does it (idempotent);
/// a failure is logged and the next silo start tries again, the existing reminder meanwhile keeps sweeping.
/// </summary>
public sealed partial class RetentionStart(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<RetentionStart> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        try
        {
            await grains.GetGrain<IRetentionGrain>(IRetentionGrain.Key).Start();
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            StartFailed(logger, PhoneMask.Describe(ex));
        }
    }

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "The retention sweep's reminder could not be registered; the next silo start tries again: {Error}")]
    private static partial void StartFailed(ILogger logger, string error);
}
