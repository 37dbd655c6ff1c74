using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts;

namespace Switchboard.Grains.Agents.Tokens;

/// <summary>
/// Once a second, adds this silo's model spend to the cluster's day (<see cref="IDailyTokenSpendGrain"/>) and brings the
/// total back to <see cref="DailyTokenBudget"/>: one small grain call per silo and second, none on a model call's path.
/// Idle without Agents:DailyTokenBudget.
/// </summary>
public sealed class DailyTokenBudgetReporter(
    DailyTokenBudget budget, IGrainFactory grains, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DailyTokenBudgetReporter> logger)
    : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (budget.Limit is null)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        using var timer = new PeriodicTimer(Period, time);
        do
        {
            var (day, tokens) = budget.TakeUnreported();
            try
            {
                budget.Reported(day, await grains.GetGrain<IDailyTokenSpendGrain>(0).Add(day, tokens));
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                budget.NotReported(day, tokens);
                TokenLog.ReportFailed(logger, PhoneMask.Describe(ex));
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
