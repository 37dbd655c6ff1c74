using System.Diagnostics;

namespace Switchboard.LoadTest;

/// <summary>
/// Drives the senders. Closed model: <c>--concurrency</c> workers, each owning every C-th sender and sending round-robin
/// over them, so one sender's messages go in sequence (the next after the previous ack) and all senders stay active.
/// Open model (<c>--rate</c>): requests start at fixed intended times; latency counts from the intended time, so a slow
/// server shows up in the figures instead of silently lowering the load (no coordinated omission).
/// </summary>
public sealed class LoadRunner(LoadOptions options, WebhookClient client, string[] senders)
{
    /// <summary>
    /// Runs until every message is sent and answered, <c>--warmup</c> plus <c>--duration</c> pass, or <paramref name="abort"/>;
    /// then waits for the redeliveries still scheduled.
    /// </summary>
    public async Task RunAsync(CancellationToken abort)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort);
        if (options.Duration is { } duration)
        {
            stop.CancelAfter(options.Warmup + duration);
        }

        await (options.Rate is { } rate ? OpenAsync(rate, stop.Token, abort) : ClosedAsync(stop.Token, abort));
        await client.DrainAsync();
    }

    private Task ClosedAsync(CancellationToken stop, CancellationToken abort)
    {
        var workers = Math.Min(options.Concurrency, senders.Length);
        return Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w, workers, stop, abort), CancellationToken.None)));
    }

    private async Task WorkerAsync(int worker, int workers, CancellationToken stop, CancellationToken abort)
    {
        for (var message = 0; message < options.Messages; message++)
        {
            for (var s = worker; s < senders.Length; s += workers)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                await client.SendAsync(senders[s], options.BodyFor(s, message), Stopwatch.GetTimestamp(), abort);
            }
        }
    }

    private async Task OpenAsync(double rate, CancellationToken stop, CancellationToken abort)
    {
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var last = new Task?[senders.Length];
        var start = Stopwatch.GetTimestamp();
        for (long k = 0; k < options.TotalRequests; k++)
        {
            var intended = start + (long)(k * ticksPerRequest);
            while (Stopwatch.GetTimestamp() < intended && !stop.IsCancellationRequested)
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), intended);
                await Task.Delay(wait > TimeSpan.FromMilliseconds(1) ? wait : TimeSpan.FromMilliseconds(1), CancellationToken.None);
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            var s = (int)(k % senders.Length);
            last[s] = SendAfterAsync(last[s], senders[s], options.BodyFor(s, (int)(k / senders.Length)), intended, abort);
        }

        await Task.WhenAll(last.Where(t => t is not null)!);
    }

    /// <summary>One sender's messages stay in order: wait for its previous ack (that wait counts as latency).</summary>
    private async Task SendAfterAsync(Task? previous, string sender, string body, long intended, CancellationToken abort)
    {
        if (previous is not null)
        {
            await previous;
        }

        if (!abort.IsCancellationRequested)
        {
            await client.SendAsync(sender, body, intended, abort);
        }
    }
}
