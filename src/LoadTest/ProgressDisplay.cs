using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Switchboard.LoadTest;

/// <summary>
/// Live progress while <c>run</c> is running: a Spectre.Console progress bar on a terminal, or one plain line every
/// few seconds when stdout is redirected (CI logs stay readable).
/// </summary>
public static class ProgressDisplay
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static async Task FollowAsync(Task run, LoadOptions options, LoadStats stats, long startedAt)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask("starting", maxValue: 1000);
                    while (!run.IsCompleted)
                    {
                        Update(bar, options, stats, startedAt);
                        await Task.WhenAny(run, Task.Delay(250));
                    }

                    Update(bar, options, stats, startedAt);
                    bar.Value = bar.MaxValue;
                });
            return;
        }

        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(PlainInterval));
            if (!run.IsCompleted)
            {
                Console.WriteLine(Line(stats, startedAt));
            }
        }
    }

    private static void Update(ProgressTask bar, LoadOptions options, LoadStats stats, long startedAt)
    {
        var elapsed = Stopwatch.GetElapsedTime(startedAt);
        var done = (double)stats.Completed / options.TotalRequests;
        var timed = options.Duration is { } d ? elapsed / d : 0;
        bar.Value = Math.Min(1, Math.Max(done, timed)) * bar.MaxValue;
        bar.Description = Markup.Escape(Line(stats, startedAt));
    }

    private static string Line(LoadStats stats, long startedAt)
    {
        var elapsed = Stopwatch.GetElapsedTime(startedAt);
        var rate = stats.Completed / Math.Max(elapsed.TotalSeconds, 0.001);
        return string.Create(CultureInfo.InvariantCulture,
            $"[{elapsed.TotalSeconds,5:F0}s] {stats.Completed,9:N0} requests  {rate,8:N0}/s  non-200 {stats.NonOk:N0}  errors {stats.Errors:N0}");
    }
}
