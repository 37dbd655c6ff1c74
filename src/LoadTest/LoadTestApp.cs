using System.Diagnostics;
using Spectre.Console;

namespace Switchboard.LoadTest;

/// <summary>One <c>run</c>: optional fake Twilio, the load, the wait for replies, the report and the exit code.</summary>
public static class LoadTestApp
{
    public const int Ok = 0;

    /// <summary>A request ended without 200 (non-200, error, timeout), or an invalid command line.</summary>
    public const int RequestsFailed = 1;

    /// <summary>Acknowledged messages got no reply by the end of <c>--reply-timeout</c>.</summary>
    public const int RepliesMissing = 3;

    /// <summary>A message was answered more than once, or a sender's replies came out of order.</summary>
    public const int DuplicatesOrReordering = 4;

    /// <summary>A threshold was crossed (<c>--max-ack-p99</c>, <c>--max-reply-p99</c>, <c>--max-error-rate</c>).</summary>
    public const int ThresholdCrossed = 5;

    public static async Task<int> RunAsync(LoadOptions options, CancellationToken abort) => (await ExecuteAsync(options, abort)).ExitCode;

    /// <summary>The whole run; the result carries the checks and the exit code.</summary>
    public static async Task<RunResult> ExecuteAsync(LoadOptions options, CancellationToken abort)
    {
        // The warm-up starts with the first send, once the fake Twilio is up; until then nothing is recorded.
        var series = new TimeSeries(long.MaxValue);
        var ledger = new MessageLedger(long.MaxValue, series);
        await using var fake = options.ExpectReplies ? new FakeTwilioServer(options.TwilioFakePort, ledger) : null;
        if (fake is not null)
        {
            await fake.StartAsync();
            Console.WriteLine($"fake Twilio REST server on {fake.BaseUrl} (start the service with Twilio__Enabled=true Twilio__ApiBaseUrl={fake.BaseUrl})");
        }

        var startedAtUtc = DateTimeOffset.UtcNow;
        var startedAt = Stopwatch.GetTimestamp();
        var measureFrom = startedAt + (long)(options.Warmup.TotalSeconds * Stopwatch.Frequency);
        series.Start(measureFrom);
        ledger.Start(measureFrom);

        var senders = SenderPlan.Senders(options.Senders, options.Seed);
        var stats = new LoadStats();
        using var client = new WebhookClient(options, stats, ledger, series);
        Console.WriteLine($"POST {options.WebhookUrl}: {options.Senders:N0} senders x {options.Messages:N0} messages, "
            + (options.Rate is { } rate ? $"open model at {rate:N0}/s" : $"closed model, concurrency {options.Concurrency}")
            + (options.Duration is { } d ? $", at most {d.TotalSeconds:N0} s" : "")
            + (options.Warmup > TimeSpan.Zero ? $" after a {options.Warmup.TotalSeconds:N0} s warm-up" : "")
            + (options.Redeliver > 0 ? $", {options.Redeliver:P0} redelivered" : ""));

        var run = new LoadRunner(options, client, senders).RunAsync(abort);
        await ProgressDisplay.FollowAsync(run, options, stats, startedAt);
        await run;
        var elapsed = Stopwatch.GetElapsedTime(startedAt);

        if (fake is not null)
        {
            await WaitForRepliesAsync(ledger, options.ReplyTimeout, abort);
        }

        var result = Summarize(options, stats, ledger, series, startedAtUtc, elapsed);
        Report.Print(result);
        if (options.Json is { } json)
        {
            await Report.WriteJsonAsync(result, json);
            Console.WriteLine($"results written to {json.FullName}");
        }

        if (options.ReportDirectory is { } directory)
        {
            await Report.WriteReportAsync(result, directory);
            Console.WriteLine($"report written to {Path.Combine(directory.FullName, "report.html")} (and report.json, report.md)");
        }

        return result;
    }

    /// <summary>Waits until every acknowledged message has a reply, or the timeout; a second more for late duplicates.</summary>
    private static async Task WaitForRepliesAsync(MessageLedger ledger, TimeSpan timeout, CancellationToken abort)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var lastPrint = 0L;
        while (ledger.Outstanding > 0 && Stopwatch.GetTimestamp() < deadline && !abort.IsCancellationRequested)
        {
            if (Stopwatch.GetElapsedTime(lastPrint) > TimeSpan.FromSeconds(2))
            {
                Console.WriteLine($"waiting for replies: {ledger.AnsweredMessages:N0} of {ledger.AcknowledgedMessages:N0} acknowledged messages answered");
                lastPrint = Stopwatch.GetTimestamp();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }

        await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    public static RunResult Summarize(LoadOptions options, LoadStats stats, MessageLedger ledger, TimeSeries series, DateTimeOffset startedAt, TimeSpan elapsed)
    {
        var ledgerSummary = ledger.Summarize();
        var measured = Math.Max((elapsed - options.Warmup).TotalSeconds, 0.001);
        var requests = stats.Completed;
        var failedRequests = requests - stats.StatusCodes.GetValueOrDefault(200);
        var accounting = new Accounting(
            ledgerSummary.Sent, ledgerSummary.Acked, ledgerSummary.Sent - ledgerSummary.Acked, stats.Retries, stats.Redelivered, stats.RedeliveriesAcked,
            options.ExpectReplies, ledgerSummary.Replies, options.ExpectReplies ? ledgerSummary.Lost : 0, ledgerSummary.Duplicates,
            ledgerSummary.DuplicateReplies, ledgerSummary.OutOfOrder, ledgerSummary.Unmatched, ledgerSummary.RepliesToUnacked,
            ledgerSummary.OtherMessages, ledgerSummary.WarmupMessages);
        var result = new RunResult
        {
            Configuration = new RunConfiguration(
                options.Url.ToString().TrimEnd('/'), options.Rate is null ? "closed" : "open", options.Senders, options.Messages, options.Concurrency,
                options.Rate, options.Duration?.TotalSeconds, options.Warmup.TotalSeconds, options.Bodies, options.Redeliver, options.Retry5xx,
                options.ExpectReplies, options.ReplyTimeout.TotalSeconds, options.Timeout.TotalSeconds, options.Seed,
                options.MaxAckP99Ms, options.MaxReplyP99Ms, options.MaxErrorRate),
            Machine = MachineInfo.Current(),
            StartedAt = startedAt,
            ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 3),
            MeasuredSeconds = Math.Round(measured, 3),
            Requests = requests,
            AcksPerSecond = Math.Round(stats.MeasuredAcks / measured, 1),
            Accounting = accounting,
            AckLatencyMs = stats.Ack.Summarize(),
            RedeliveryAckLatencyMs = stats.RedeliveryAck.Summarize(),
            ReplyLatencyMs = options.ExpectReplies ? ledger.ReplyLatency.Summarize() : null,
            StatusCodes = stats.StatusCodes,
            Errors = stats.Errors,
            Timeouts = stats.Timeouts,
            ErrorKinds = stats.ErrorKinds,
            ErrorRate = requests == 0 ? 0 : Math.Round((double)failedRequests / requests, 6),
            Series = series.Snapshot(),
            Refusals = stats.Refusals,
            LostSamples = options.ExpectReplies ? ledger.LostSids(20) : [],
        };
        var checks = Checks(options, result);
        return result with { Checks = checks, ExitCode = checks.FirstOrDefault(c => !c.Passed)?.ExitCode ?? Ok };
    }

    /// <summary>
    /// The verdict, in exit-code priority: the first failing check gives the exit code. With <c>--retry-5xx</c> a 5xx
    /// followed by a 200 for the same message is not a failure (Twilio would have retried); without it every non-200 is.
    /// </summary>
    public static IReadOnlyList<Check> Checks(LoadOptions options, RunResult result)
    {
        var a = result.Accounting;
        var nonOk = result.StatusCodes.Where(s => s.Key != 200).Sum(s => s.Value) + result.Errors;
        var unacknowledged = a.NotAcked + (a.Redelivered - a.RedeliveriesAcked);
        var requestsOk = options.Retry5xx > 0 ? unacknowledged == 0 : nonOk == 0;
        var checks = new List<Check>
        {
            new("every message acknowledged with 200", requestsOk,
                $"{a.NotAcked:N0} messages not acknowledged, {a.Redelivered - a.RedeliveriesAcked:N0} redeliveries without 200, {nonOk:N0} non-200 answers or errors"
                + (options.Retry5xx > 0 ? $" ({a.Retries:N0} retries)" : ""),
                RequestsFailed),
        };
        if (options.ExpectReplies)
        {
            checks.Add(new("no message lost", a.Lost == 0, $"{a.Lost:N0} acknowledged messages without a reply after {options.ReplyTimeout.TotalSeconds:N0} s", RepliesMissing));
            checks.Add(new("no duplicate reply", a.Duplicates == 0, $"{a.Duplicates:N0} messages answered more than once ({a.DuplicateReplies:N0} extra replies)", DuplicatesOrReordering));
            checks.Add(new("replies in order", a.OutOfOrder == 0, $"{a.OutOfOrder:N0} replies out of order", DuplicatesOrReordering));
        }

        if (options.MaxAckP99Ms is { } maxAck)
        {
            checks.Add(new($"ack p99 <= {maxAck:N0} ms", result.AckLatencyMs.P99Ms <= maxAck, $"ack p99 {result.AckLatencyMs.P99Ms:N1} ms", ThresholdCrossed));
        }

        if (options.MaxReplyP99Ms is { } maxReply && result.ReplyLatencyMs is { } reply)
        {
            checks.Add(new($"reply p99 <= {maxReply:N0} ms", reply.P99Ms <= maxReply && (reply.Count > 0 || a.Acked == 0), $"reply p99 {reply.P99Ms:N1} ms", ThresholdCrossed));
        }

        if (options.MaxErrorRate is { } maxRate)
        {
            checks.Add(new($"error rate <= {maxRate:P2}", result.ErrorRate <= maxRate, $"error rate {result.ErrorRate:P3}", ThresholdCrossed));
        }

        return checks;
    }

    public static void PrintVerdict(RunResult result)
    {
        foreach (var check in result.Checks)
        {
            AnsiConsole.MarkupLine(check.Passed
                ? $"[green]ok[/]     {Markup.Escape(check.Name)}"
                : $"[red]FAILED[/] {Markup.Escape(check.Name)}: {Markup.Escape(check.Detail)} (exit code {check.ExitCode})");
        }

        if (result.Accounting.Unmatched > 0)
        {
            AnsiConsole.MarkupLine($"[yellow]note:[/] {result.Accounting.Unmatched:N0} replies name no message of this run (left over from an earlier run on the same storage?)");
        }

        AnsiConsole.MarkupLine(result.ExitCode == Ok ? "[green]OK[/]" : $"[red]FAILED[/] (exit code {result.ExitCode})");
    }
}
