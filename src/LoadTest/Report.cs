using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Switchboard.LoadTest;

/// <summary>Prints the summary table and writes the JSON file.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Print(RunResult result)
    {
        var table = new Table().Title($"POST {Markup.Escape(result.Url)}/twilio/sms ({result.Model})").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        Row(table, "senders x messages", $"{result.Senders:N0} x {result.MessagesPerSender:N0}");
        if (result.RatePerSecond is { } rate)
        {
            Row(table, "target rate (open model)", $"{rate:N0}/s");
        }

        Row(table, "concurrency (max connections)", $"{result.Concurrency}");
        Row(table, "elapsed", $"{result.ElapsedSeconds:F1} s");
        Row(table, "requests", $"{result.Requests:N0}");
        Row(table, "acks (200)", $"{result.Acks:N0}");
        Row(table, "acks/s", $"{result.AcksPerSecond:N0}");
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

        if (result.Replies is { } replies)
        {
            Row(table, "replies expected / received", $"{replies.Expected:N0} / {replies.Received:N0}");
            Row(table, "replies unmatched / to unknown numbers", $"{replies.Unmatched:N0} / {replies.Foreign:N0}");
            Latency(table, "reply", replies.LatencyMs);
        }

        AnsiConsole.Write(table);
    }

    public static async Task WriteJsonAsync(RunResult result, FileInfo file)
    {
        await using var stream = file.Create();
        await JsonSerializer.SerializeAsync(stream, result, JsonOptions);
    }

    private static void Latency(Table table, string name, LatencySummary latency)
    {
        Row(table, $"{name} p50 / p90 ms", $"{latency.P50Ms:F2} / {latency.P90Ms:F2}");
        Row(table, $"{name} p99 / p99.9 ms", $"{latency.P99Ms:F2} / {latency.P999Ms:F2}");
        Row(table, $"{name} max / mean ms", $"{latency.MaxMs:F2} / {latency.MeanMs:F2}");
    }

    private static void Row(Table table, string metric, FormattableString value) =>
        table.AddRow(Markup.Escape(metric), Markup.Escape(value.ToString(CultureInfo.InvariantCulture)));
}
