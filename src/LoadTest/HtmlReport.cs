using System.Globalization;
using System.Net;
using System.Text;

namespace Switchboard.LoadTest;

/// <summary>
/// report.html: the summary tables and charts drawn as inline SVG by this class, so the file opens anywhere without
/// network access (no script, no CDN, no image files).
/// </summary>
public static class HtmlReport
{
    private const int Width = 560;
    private const int Height = 300;
    private const int Left = 64;
    private const int Right = 16;
    private const int Top = 34;
    private const int Bottom = 46;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"];

    public static string Render(RunResult result)
    {
        var c = result.Configuration;
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Switchboard load test</title>
            <style>
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1240px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
            table{border-collapse:collapse;margin:4px 0 12px;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
            td:first-child,th:first-child{text-align:left}.ok{color:#1a7f37;font-weight:600}.failed{color:#cf222e;font-weight:600}
            .charts{display:flex;flex-wrap:wrap;gap:16px}.tables{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}
            svg{background:#fff;border:1px solid #ddd}svg text{font-family:system-ui,sans-serif}.muted{color:#666;font-size:13px}td.text{text-align:left}
            </style></head><body>
            """);
        html.Append(Inv($"<h1>Switchboard load test: <span class=\"{(result.ExitCode == 0 ? "ok" : "failed")}\">{(result.ExitCode == 0 ? "OK" : $"FAILED (exit code {result.ExitCode})")}</span></h1>"));
        html.Append(Inv($"<p class=\"muted\">{result.StartedAt:yyyy-MM-dd HH:mm:ss} UTC &middot; POST {E(c.Url)}/twilio/sms &middot; {c.Model} model, {c.Senders:N0} senders &times; {c.MessagesPerSender:N0} messages")
            + (c.RatePerSecond is { } rate ? Inv($" at {rate:N0}/s") : "") + Inv($", concurrency {c.Concurrency}, warm-up {c.WarmupSeconds:N0} s, redeliver {c.Redeliver:P0}, retry 5xx {c.Retry5xx}")
            + Inv($" &middot; {result.Machine.Cores} cores, {E(result.Machine.Os)}, {E(result.Machine.Dotnet)}</p>"));

        html.Append("<h2>Verdict</h2><table><tr><th>check</th><th>result</th><th>detail</th></tr>");
        foreach (var check in result.Checks)
        {
            html.Append(Inv($"<tr><td>{E(check.Name)}</td><td class=\"{(check.Passed ? "ok" : "failed")}\">{(check.Passed ? "ok" : $"FAILED (exit {check.ExitCode})")}</td><td class=\"text\">{E(check.Detail)}</td></tr>"));
        }

        html.Append("</table><div class=\"tables\"><div><h2>Messages</h2><table>");
        foreach (var (name, value) in Report.Figures(result))
        {
            html.Append(Inv($"<tr><td>{E(name)}</td><td>{E(value)}</td></tr>"));
        }

        html.Append("</table></div><div><h2>Latency (ms)</h2><table><tr><th></th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>p99.99</th><th>max</th></tr>");
        foreach (var (name, l) in Report.Latencies(result))
        {
            html.Append(Inv($"<tr><td>{E(name)}</td><td>{l.Count:N0}</td><td>{l.P50Ms:N1}</td><td>{l.P90Ms:N1}</td><td>{l.P99Ms:N1}</td><td>{l.P999Ms:N1}</td><td>{l.P9999Ms:N1}</td><td>{l.MaxMs:N1}</td></tr>"));
        }

        html.Append("</table><h2>Status codes</h2><table><tr><th>status / error</th><th>requests</th></tr>");
        foreach (var (name, count) in Statuses(result))
        {
            html.Append(Inv($"<tr><td>{E(name)}</td><td>{count:N0}</td></tr>"));
        }

        html.Append("</table></div></div><h2>Charts</h2><div class=\"charts\">");
        string[] percentiles = ["p50", "p90", "p99", "p99.9", "p99.99", "max"];
        var latencySeries = Report.Latencies(result).Where(l => l.Latency.Count > 0)
            .Select(l => (l.Name, new double[] { l.Latency.P50Ms, l.Latency.P90Ms, l.Latency.P99Ms, l.Latency.P999Ms, l.Latency.P9999Ms, l.Latency.MaxMs }))
            .ToList();
        html.Append(LineChart("Latency by percentile", "ms (log scale)", percentiles, latencySeries, logY: true, markers: true));

        var seconds = result.Series.Select(s => s.Second.ToString(CultureInfo.InvariantCulture)).ToArray();
        var throughput = new List<(string, double[])>
        {
            ("sent/s", [.. result.Series.Select(s => (double)s.Sent)]),
            ("acked/s", [.. result.Series.Select(s => (double)s.Acked)]),
        };
        if (c.ExpectReplies)
        {
            throughput.Add(("replies/s", [.. result.Series.Select(s => (double)s.Replies)]));
        }

        html.Append(LineChart("Throughput over time", "per second", seconds, throughput, logY: false, markers: false, xTitle: "second after warm-up"));
        html.Append(LineChart("Ack latency over time", "ms", seconds,
            [("ack p50", [.. result.Series.Select(s => s.AckP50Ms)]), ("ack p99", [.. result.Series.Select(s => s.AckP99Ms)])],
            logY: false, markers: false, xTitle: "second after warm-up"));
        html.Append(BarChart("Status codes", [.. Statuses(result)]));
        html.Append("</div><p class=\"muted\">Generated by src/LoadTest (report.json has every figure and the per-second series).</p></body></html>\n");
        return html.ToString();
    }

    private static IEnumerable<(string Name, long Count)> Statuses(RunResult result) =>
        result.StatusCodes.Select(s => (s.Key.ToString(CultureInfo.InvariantCulture), s.Value))
            .Concat(result.ErrorKinds.Select(e => ($"error: {e.Key}", e.Value)));

    /// <summary>A line chart over categorical x (labels thinned to fit), linear or log-10 y.</summary>
    public static string LineChart(string title, string yTitle, IReadOnlyList<string> xs, IReadOnlyList<(string Name, double[] Values)> series,
        bool logY, bool markers, string? xTitle = null)
    {
        var svg = Frame(title, out var plotW, out var plotH);
        var values = series.SelectMany(s => s.Values).Where(v => !logY || v > 0).ToList();
        if (xs.Count == 0 || values.Count == 0)
        {
            svg.Append(Inv($"<text x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\" fill=\"#888\">no data</text></svg>"));
            return svg.ToString();
        }

        var (min, max, ticks) = logY ? LogScale(values.Min(), values.Max()) : LinearScale(values.Max());
        double Y(double v) => Top + plotH - ((logY ? Math.Log10(Math.Max(v, min)) - Math.Log10(min) : v - min)
            / (logY ? Math.Log10(max) - Math.Log10(min) : max - min) * plotH);
        double X(int i) => Left + (xs.Count == 1 ? plotW / 2.0 : i * plotW / (xs.Count - 1.0));

        YAxis(svg, ticks, Y, plotW, yTitle);
        var every = Math.Max(1, (int)Math.Ceiling(xs.Count / 12.0));
        for (var i = 0; i < xs.Count; i += every)
        {
            svg.Append(Inv($"<text x=\"{X(i):F1}\" y=\"{Top + plotH + 16}\" text-anchor=\"middle\" font-size=\"11\">{E(xs[i])}</text>"));
        }

        if (xTitle is not null)
        {
            svg.Append(Inv($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 8}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">{E(xTitle)}</text>"));
        }

        for (var s = 0; s < series.Count; s++)
        {
            var color = Colors[s % Colors.Length];
            var points = string.Join(" ", series[s].Values.Select((v, i) => Inv($"{X(i):F1},{Y(v):F1}")));
            svg.Append(Inv($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"/>"));
            if (markers)
            {
                for (var i = 0; i < series[s].Values.Length; i++)
                {
                    svg.Append(Inv($"<circle cx=\"{X(i):F1}\" cy=\"{Y(series[s].Values[i]):F1}\" r=\"3.5\" fill=\"{color}\"><title>{E(series[s].Name)} {E(xs[i])}: {series[s].Values[i]:N2}</title></circle>"));
                }
            }

            Legend(svg, s, series.Count, series[s].Name, color);
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>A bar chart of counts; 200 is green, anything else red.</summary>
    public static string BarChart(string title, IReadOnlyList<(string Name, long Count)> bars)
    {
        var svg = Frame(title, out var plotW, out var plotH);
        if (bars.Count == 0)
        {
            svg.Append(Inv($"<text x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\" fill=\"#888\">no requests</text></svg>"));
            return svg.ToString();
        }

        var (_, max, ticks) = LinearScale(bars.Max(b => b.Count));
        double Y(double v) => Top + plotH - (v / max * plotH);
        YAxis(svg, ticks, Y, plotW, "requests");
        var slot = plotW / (double)bars.Count;
        var barWidth = Math.Min(80, slot * 0.6);
        for (var i = 0; i < bars.Count; i++)
        {
            var x = Left + (i * slot) + ((slot - barWidth) / 2);
            var y = Y(bars[i].Count);
            var color = bars[i].Name == "200" ? "#2ca02c" : "#d62728";
            svg.Append(Inv($"<rect x=\"{x:F1}\" y=\"{y:F1}\" width=\"{barWidth:F1}\" height=\"{Top + plotH - y:F1}\" fill=\"{color}\"><title>{E(bars[i].Name)}: {bars[i].Count:N0}</title></rect>"));
            svg.Append(Inv($"<text x=\"{x + (barWidth / 2):F1}\" y=\"{y - 4:F1}\" text-anchor=\"middle\" font-size=\"11\">{bars[i].Count:N0}</text>"));
            svg.Append(Inv($"<text x=\"{x + (barWidth / 2):F1}\" y=\"{Top + plotH + 16}\" text-anchor=\"middle\" font-size=\"11\">{E(bars[i].Name)}</text>"));
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>0 to a "nice" maximum (1, 2, 2.5 or 5 × 10^n) in five steps.</summary>
    public static (double Min, double Max, double[] Ticks) LinearScale(double max)
    {
        if (max <= 0)
        {
            max = 1;
        }

        var rough = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * magnitude).First(s => s >= rough);
        var top = Math.Ceiling(max / step) * step;
        return (0, top, [.. Enumerable.Range(0, (int)Math.Round(top / step) + 1).Select(i => i * step)]);
    }

    /// <summary>Whole decades around the values.</summary>
    public static (double Min, double Max, double[] Ticks) LogScale(double min, double max)
    {
        var low = Math.Floor(Math.Log10(min));
        var high = Math.Max(Math.Ceiling(Math.Log10(max)), low + 1);
        return (Math.Pow(10, low), Math.Pow(10, high), [.. Enumerable.Range(0, (int)(high - low) + 1).Select(i => Math.Pow(10, low + i))]);
    }

    private static StringBuilder Frame(string title, out int plotW, out int plotH)
    {
        plotW = Width - Left - Right;
        plotH = Height - Top - Bottom;
        return new StringBuilder(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{E(title)}\">"))
            .Append(Inv($"<text x=\"{Left - 50}\" y=\"20\" font-size=\"14\" font-weight=\"600\">{E(title)}</text>"));
    }

    private static void YAxis(StringBuilder svg, double[] ticks, Func<double, double> y, int plotW, string yTitle)
    {
        foreach (var tick in ticks)
        {
            var ty = y(tick);
            svg.Append(Inv($"<line x1=\"{Left}\" x2=\"{Left + plotW}\" y1=\"{ty:F1}\" y2=\"{ty:F1}\" stroke=\"#e5e5e5\"/>"));
            svg.Append(Inv($"<text x=\"{Left - 6}\" y=\"{ty + 4:F1}\" text-anchor=\"end\" font-size=\"11\">{Tick(tick)}</text>"));
        }

        svg.Append(Inv($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#888\"/>"));
        svg.Append(Inv($"<line x1=\"{Left}\" x2=\"{Left + plotW}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"#888\"/>"));
        svg.Append(Inv($"<text transform=\"translate(14,{Top + ((Height - Top - Bottom) / 2)}) rotate(-90)\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">{E(yTitle)}</text>"));
    }

    /// <summary>Legend entries side by side in the title row, right-aligned, clear of the plot.</summary>
    private static void Legend(StringBuilder svg, int index, int count, string name, string color)
    {
        var x = Width - Right - ((count - index) * 118);
        var y = 12;
        svg.Append(Inv($"<rect x=\"{x}\" y=\"{y}\" width=\"12\" height=\"3\" fill=\"{color}\"/><text x=\"{x + 16}\" y=\"{y + 5}\" font-size=\"11\">{E(name)}</text>"));
    }

    private static string Tick(double value) => value switch
    {
        >= 1_000_000 => Inv($"{value / 1_000_000:0.#}M"),
        >= 10_000 => Inv($"{value / 1_000:0.#}k"),
        >= 1 => Inv($"{value:0.##}"),
        _ => Inv($"{value:0.###}"),
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
