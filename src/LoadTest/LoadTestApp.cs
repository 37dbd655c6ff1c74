using System.Diagnostics;
using Spectre.Console;

namespace Switchboard.LoadTest;

/// <summary>One <c>run</c>: optional fake Twilio, the load, the wait for replies, the report and the exit code.</summary>
public static class LoadTestApp
{
    public const int Ok = 0;
    public const int RequestsFailed = 1;
    public const int RepliesMissing = 3;

    public static async Task<int> RunAsync(LoadOptions options, CancellationToken abort)
    {
        var replies = options.ExpectReplies ? new ReplyTracker() : null;
        await using var fake = replies is null ? null : new FakeTwilioServer(options.TwilioFakePort, replies);
        if (fake is not null)
        {
            await fake.StartAsync();
            Console.WriteLine($"fake Twilio REST server on {fake.BaseUrl} (start the service with Twilio__Enabled=true Twilio__ApiBaseUrl={fake.BaseUrl})");
        }

        var senders = SenderPlan.Senders(options.Senders, options.Seed);
        var stats = new LoadStats();
        using var client = new WebhookClient(options, stats, replies);
        Console.WriteLine($"POST {options.WebhookUrl}: {options.Senders:N0} senders x {options.Messages:N0} messages, "
            + (options.Rate is { } rate ? $"open model at {rate:N0}/s" : $"closed model, concurrency {options.Concurrency}")
            + (options.Duration is { } d ? $", at most {d.TotalSeconds:N0} s" : ""));

        var startedAt = Stopwatch.GetTimestamp();
        var run = new LoadRunner(options, client, senders).RunAsync(abort);
        await ProgressDisplay.FollowAsync(run, options, stats, startedAt);
        await run;
        var elapsed = Stopwatch.GetElapsedTime(startedAt);

        if (replies is not null)
        {
            await WaitForRepliesAsync(replies, options.ReplyTimeout, abort);
        }

        var result = Summarize(options, stats, replies, elapsed);
        Report.Print(result);
        if (options.Json is { } json)
        {
            await Report.WriteJsonAsync(result, json);
            Console.WriteLine($"results written to {json.FullName}");
        }

        return Verdict(result);
    }

    private static async Task WaitForRepliesAsync(ReplyTracker replies, TimeSpan timeout, CancellationToken abort)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (replies.Received < replies.Expected && Stopwatch.GetTimestamp() < deadline && !abort.IsCancellationRequested)
        {
            Console.WriteLine($"waiting for replies: {replies.Received:N0} of {replies.Expected:N0}");
            await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
        }
    }

    private static RunResult Summarize(LoadOptions options, LoadStats stats, ReplyTracker? replies, TimeSpan elapsed)
    {
        var codes = stats.StatusCodes;
        var acks = codes.TryGetValue(200, out var n) ? n : 0;
        var reply = replies is null ? null : new ReplyResult(replies.Expected, replies.Received, replies.Unmatched, replies.Foreign, replies.Latency.Summarize());
        return new RunResult(
            options.Url.ToString().TrimEnd('/'), options.Rate is null ? "closed" : "open", options.Senders, options.Messages, options.Concurrency, options.Rate,
            Math.Round(elapsed.TotalSeconds, 3), stats.Completed, acks, Math.Round(acks / Math.Max(elapsed.TotalSeconds, 0.001), 1),
            stats.Ack.Summarize(), codes, stats.Errors, stats.Timeouts, stats.ErrorKinds, reply);
    }

    private static int Verdict(RunResult result)
    {
        if (result.Failed)
        {
            AnsiConsole.MarkupLine("[red]FAILED:[/] some requests were not acknowledged with 200 or did not complete (see status codes and errors).");
            return RequestsFailed;
        }

        if (result.Replies is { Missing: true } replies)
        {
            AnsiConsole.MarkupLine($"[red]FAILED:[/] {replies.Expected - replies.Received:N0} replies did not arrive at the fake Twilio in time.");
            return RepliesMissing;
        }

        AnsiConsole.MarkupLine("[green]OK:[/] every request was acknowledged with 200.");
        return Ok;
    }
}
