using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Switchboard.LoadTest;

/// <summary>Prints the summary table and the verdict; writes the JSON file and the report directory.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Print(RunResult result)
    {
        var c = result.Configuration;
        var a = result.Accounting;
        var table = new Table().Title($"POST {Markup.Escape(c.Url)}/twilio/sms ({c.Model})").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        Row(table, "senders x messages", $"{c.Senders:N0} x {c.MessagesPerSender:N0}");
        if (c.RatePerSecond is { } rate)
        {
            Row(table, "target rate (open model)", $"{rate:N0}/s");
        }

        Row(table, "concurrency (max connections)", $"{c.Concurrency}");
        Row(table, "elapsed / measured (after warm-up)", $"{result.ElapsedSeconds:F1} s / {result.MeasuredSeconds:F1} s");
        Row(table, "requests (incl. retries, redeliveries)", $"{result.Requests:N0}");
        Row(table, "messages sent / acked (200)", $"{a.Sent:N0} / {a.Acked:N0}");
        Row(table, "not acked", $"{a.NotAcked:N0}");
        Row(table, "acks/s", $"{result.AcksPerSecond:N0}");
        if (a.Retries > 0 || c.Retry5xx > 0)
        {
            Row(table, "retries after 5xx/timeout", $"{a.Retries:N0}");
        }

        if (a.Redelivered > 0 || c.Redeliver > 0)
        {
            Row(table, "redelivered / their acks", $"{a.Redelivered:N0} / {a.RedeliveriesAcked:N0}");
        }

        Latency(table, "ack", result.AckLatencyMs);
        foreach (var (code, count) in result.StatusCodes)
        {
            Row(table, $"status {code}", $"{count:N0}");
        }

        Row(table, "errors (incl. timeouts)", $"{result.Errors:N0}");
        foreach (var (kind, count) in result.ErrorKinds)
        {
            Row(table, $"  {kind}", $"{count:N0}");
        }

        if (result.ReplyLatencyMs is { } reply)
        {
            Row(table, "replies (answered messages)", $"{a.Replies:N0}");
            Row(table, "lost / duplicates / out of order", $"{a.Lost:N0} / {a.Duplicates:N0} / {a.OutOfOrder:N0}");
            Row(table, "unmatched / replies to unacked", $"{a.Unmatched:N0} / {a.RepliesToUnacked:N0}");
            Row(table, "other messages (interim, overflow...)", $"{a.OtherMessages.Values.Sum():N0}");
            Latency(table, "reply", reply);
        }

        AnsiConsole.Write(table);
        LoadTestApp.PrintVerdict(result);
    }

    public static async Task WriteJsonAsync(RunResult result, FileInfo file)
    {
        file.Directory?.Create();
        await using var stream = file.Create();
        await JsonSerializer.SerializeAsync(stream, result, JsonOptions);
    }

    /// <summary>report.json, report.md and a self-contained report.html (inline SVG charts, no script, no network).</summary>
    public static async Task WriteReportAsync(RunResult result, DirectoryInfo directory)
    {
        directory.Create();
        await WriteJsonAsync(result, new FileInfo(Path.Combine(directory.FullName, "report.json")));
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "report.md"), Markdown(result));
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "report.html"), HtmlReport.Render(result));
    }

    /// <summary>The summary as Markdown tables (report.md).</summary>
    public static string Markdown(RunResult result)
    {
        var c = result.Configuration;
        var a = result.Accounting;
        var md = new StringBuilder();
        md.AppendLine(Inv($"# Load test {result.StartedAt:yyyy-MM-dd HH:mm:ss} UTC: {(result.ExitCode == 0 ? "OK" : $"FAILED (exit code {result.ExitCode})")}"));
        md.AppendLine();
        md.AppendLine(Inv($"`POST {c.Url}/twilio/sms`, {c.Model} model, {c.Senders:N0} senders x {c.MessagesPerSender:N0} messages, ")
            + (c.RatePerSecond is { } rate ? Inv($"{rate:N0}/s, ") : "") + Inv($"concurrency {c.Concurrency}, ")
            + (c.DurationSeconds is { } d ? Inv($"at most {d:N0} s, ") : "") + Inv($"warm-up {c.WarmupSeconds:N0} s, redeliver {c.Redeliver:P0}, retry 5xx {c.Retry5xx}. ")
            + Inv($"Machine: {result.Machine.Cores} cores, {result.Machine.Os}, {result.Machine.Dotnet}."));
        md.AppendLine();
        md.AppendLine("| check | result | detail |");
        md.AppendLine("| --- | --- | --- |");
        foreach (var check in result.Checks)
        {
            md.AppendLine(Inv($"| {check.Name} | {(check.Passed ? "ok" : $"**FAILED** (exit {check.ExitCode})")} | {check.Detail} |"));
        }

        md.AppendLine();
        md.AppendLine("| messages | |");
        md.AppendLine("| --- | --: |");
        foreach (var (name, value) in Figures(result))
        {
            md.AppendLine($"| {name} | {value} |");
        }

        md.AppendLine();
        md.AppendLine("| latency (ms) | count | p50 | p90 | p99 | p99.9 | p99.99 | max | mean |");
        md.AppendLine("| --- | --: | --: | --: | --: | --: | --: | --: | --: |");
        foreach (var (name, latency) in Latencies(result))
        {
            md.AppendLine(Inv($"| {name} | {latency.Count:N0} | {latency.P50Ms:N1} | {latency.P90Ms:N1} | {latency.P99Ms:N1} | {latency.P999Ms:N1} | {latency.P9999Ms:N1} | {latency.MaxMs:N1} | {latency.MeanMs:N1} |"));
        }

        md.AppendLine();
        md.AppendLine("| status / error | requests |");
        md.AppendLine("| --- | --: |");
        foreach (var (code, count) in result.StatusCodes)
        {
            md.AppendLine(Inv($"| {code} | {count:N0} |"));
        }

        foreach (var (kind, count) in result.ErrorKinds)
        {
            md.AppendLine(Inv($"| error: {kind} | {count:N0} |"));
        }

        if (result.LostSamples.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Lost (first " + result.LostSamples.Count + "): " + string.Join(", ", result.LostSamples.Select(s => $"`{s}`")));
        }

        md.AppendLine();
        md.AppendLine(Inv($"Per-second series (sent, acked, replies, ack p50/p99): {result.Series.Count} seconds in report.json."));
        return md.ToString();
    }

    /// <summary>The message accounting as (name, value) pairs, for the Markdown and HTML tables.</summary>
    public static IEnumerable<(string Name, string Value)> Figures(RunResult result)
    {
        var a = result.Accounting;
        yield return ("sent (distinct MessageSids)", Inv($"{a.Sent:N0}"));
        yield return ("acked (200)", Inv($"{a.Acked:N0}"));
        yield return ("not acked", Inv($"{a.NotAcked:N0}"));
        yield return ("requests (incl. retries, redeliveries)", Inv($"{result.Requests:N0}"));
        yield return ("retries after 5xx/timeout", Inv($"{a.Retries:N0}"));
        yield return ("redelivered / their acks", Inv($"{a.Redelivered:N0} / {a.RedeliveriesAcked:N0}"));
        yield return ("acks/s (after warm-up)", Inv($"{result.AcksPerSecond:N1}"));
        yield return ("error rate", Inv($"{result.ErrorRate:P2}"));
        if (a.RepliesExpected)
        {
            yield return ("replies (answered messages)", Inv($"{a.Replies:N0}"));
            yield return ("lost", Inv($"{a.Lost:N0}"));
            yield return ("duplicates (extra replies)", Inv($"{a.Duplicates:N0} ({a.DuplicateReplies:N0})"));
            yield return ("out of order", Inv($"{a.OutOfOrder:N0}"));
            yield return ("unmatched", Inv($"{a.Unmatched:N0}"));
            yield return ("replies to unacked messages", Inv($"{a.RepliesToUnacked:N0}"));
            yield return ("other messages", a.OtherMessages.Count == 0 ? "0" : string.Join(", ", a.OtherMessages.Select(o => Inv($"{o.Key} {o.Value:N0}"))));
        }

        yield return ("warm-up messages (not in latency)", Inv($"{a.WarmupMessages:N0}"));
    }

    public static IEnumerable<(string Name, LatencySummary Latency)> Latencies(RunResult result)
    {
        yield return ("ack", result.AckLatencyMs);
        if (result.RedeliveryAckLatencyMs.Count > 0)
        {
            yield return ("ack of redeliveries", result.RedeliveryAckLatencyMs);
        }

        if (result.ReplyLatencyMs is { } reply)
        {
            yield return ("reply", reply);
        }
    }

    private static void Latency(Table table, string name, LatencySummary latency)
    {
        Row(table, $"{name} p50 / p90 ms", $"{latency.P50Ms:F2} / {latency.P90Ms:F2}");
        Row(table, $"{name} p99 / p99.9 / p99.99 ms", $"{latency.P99Ms:F2} / {latency.P999Ms:F2} / {latency.P9999Ms:F2}");
        Row(table, $"{name} max / mean ms", $"{latency.MaxMs:F2} / {latency.MeanMs:F2}");
    }

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Row(Table table, string metric, FormattableString value) =>
        table.AddRow(Markup.Escape(metric), Markup.Escape(value.ToString(CultureInfo.InvariantCulture)));
}
