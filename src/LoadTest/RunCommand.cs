using System.CommandLine;
using System.CommandLine.Parsing;

namespace Switchboard.LoadTest;

/// <summary>The <c>run</c> command: its options, their help text and validation.</summary>
public static class RunCommand
{
    private static readonly Option<Uri> Url = new("--url")
    {
        Description = "Base URL of the service; requests go to {url}/twilio/sms. Loopback or your own deployment only.",
        Required = true,
        CustomParser = r => Uri.TryCreate(Single(r), UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u : Error<Uri>(r, "an absolute http(s) URL"),
    };

    private static readonly Option<string> AuthToken = new("--auth-token")
    {
        Description = "Twilio auth token the service validates signatures with (Development: switchboard-dev-auth-token).",
        Required = true,
    };

    private static readonly Option<Uri?> SignatureUrl = new("--signature-url")
    {
        Description = "Public base URL the service signs against (its Twilio:WebhookBaseUrl), when it differs from --url.",
        CustomParser = r => Uri.TryCreate(Single(r), UriKind.Absolute, out var u) ? u : Error<Uri>(r, "an absolute URL"),
    };

    private static readonly Option<int> Senders = Positive("--senders", 1000, "Distinct senders (+1555 and 7 digits, deterministic from --seed).");
    private static readonly Option<int> Messages = Positive("--messages", 5, "Messages per sender, sent in sequence (the next after the previous ack).");
    private static readonly Option<int> Concurrency = Positive("--concurrency", 64, "Closed model: concurrent senders in flight. Also the connection cap in the open model.");

    private static readonly Option<TimeSpan?> Duration = new("--duration")
    {
        Description = "Stop sending after this long (30s, 2m, 500ms) even if messages remain; in-flight requests finish.",
        CustomParser = r => ValueParsers.TryParseDuration(Single(r), out var d) ? d : Error<TimeSpan>(r, "a duration such as 30s or 2m"),
    };

    private static readonly Option<string[]> Body = new("--body")
    {
        Description = "Message text; repeat for a mix (sender i's message m gets text (i + m) mod count). "
            + "Default mix: 'log 1h on Apollo today', 'check my timesheet', 'log 30 mins on Zeus yesterday', 'hours'.",
    };

    private static readonly Option<FileInfo?> Bodies = new("--bodies") { Description = "File of message texts, one a line (blank lines skipped); added to any --body." };

    private static readonly Option<double> Redeliver = new("--redeliver")
    {
        Description = "Share of messages (0 to 1) delivered a second time with the same MessageSid, form and signature 100-1000 ms after the first, as Twilio does.",
        CustomParser = r => double.TryParse(Single(r), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1
            ? v : Error<double>(r, "a fraction between 0 and 1"),
    };

    private static readonly Option<int> Retry5xx = new("--retry-5xx")
    {
        Description = "Send a message answered with 5xx (or timed out) again, up to N times, like Twilio (0: not retried; it counts as not acked).",
    };

    private static readonly Option<TimeSpan> Warmup = new("--warmup")
    {
        Description = "Send for this long first without counting it in latency and throughput (10s; 0s: count from the first message); --duration comes after it.",
        CustomParser = r => ValueParsers.TryParseDuration(Single(r), allowZero: true, out var d) ? d : Error<TimeSpan>(r, "a duration such as 10s, or 0s"),
    };

    private static readonly Option<DirectoryInfo?> ReportDir = new("--report") { Description = "Write report.json, report.md and a self-contained report.html (charts) to this directory." };
    private static readonly Option<double?> MaxAckP99 = Threshold("--max-ack-p99", "Fail (exit 5) when the ack p99 is above this many ms.");
    private static readonly Option<double?> MaxReplyP99 = Threshold("--max-reply-p99", "Fail (exit 5) when the reply p99 is above this many ms (with --expect-replies).");
    private static readonly Option<double?> MaxErrorRate = Threshold("--max-error-rate", "Fail (exit 5) when the share of requests not answered 200 is above this (0 to 1).");

    private static readonly Option<double?> Rate = new("--rate")
    {
        Description = "Open model: fixed arrival rate, e.g. 2000/s. Latency counts from each request's intended send time.",
        CustomParser = r => ValueParsers.TryParseRate(Single(r), out var v) ? v : Error<double>(r, "a rate such as 2000/s"),
    };

    private static readonly Option<FileInfo?> Json = new("--json") { Description = "Also write the results as JSON to this file." };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the sender numbers.", DefaultValueFactory = _ => 1 };
    private static readonly Option<string> To = new("--to") { Description = "The service's number (form field To).", DefaultValueFactory = _ => "+15005550006" };

    private static readonly Option<string> AccountSid = new("--account-sid")
    {
        Description = "Form field AccountSid.",
        DefaultValueFactory = _ => "AC00000000000000000000000000000000",
    };

    private static readonly Option<TimeSpan> Timeout = new("--timeout")
    {
        Description = "Per-request timeout; a timeout counts as an error.",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
        CustomParser = r => ValueParsers.TryParseDuration(Single(r), out var d) ? d : Error<TimeSpan>(r, "a duration such as 10s"),
    };

    private static readonly Option<bool> ExpectReplies = new("--expect-replies")
    {
        Description = "Start a fake Twilio REST server on 127.0.0.1:--twilio-fake-port and report end-to-end reply latency. "
            + "Start the service with Twilio__Enabled=true Twilio__ApiBaseUrl=http://127.0.0.1:<port>.",
    };

    private static readonly Option<int> TwilioFakePort = new("--twilio-fake-port") { Description = "Port of the fake Twilio server (with --expect-replies).", DefaultValueFactory = _ => 5399 };

    private static readonly Option<TimeSpan> ReplyTimeout = new("--reply-timeout")
    {
        Description = "With --expect-replies: how long to wait for the last replies after sending stops.",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(60),
        CustomParser = r => ValueParsers.TryParseDuration(Single(r), out var d) ? d : Error<TimeSpan>(r, "a duration such as 60s"),
    };

    private static readonly Option<bool> AllowRemote = new("--allow-remote")
    {
        Description = "Allow a --url that is not loopback. Only ever point this tool at a deployment you own.",
    };

    public static Command Create(Func<LoadOptions, CancellationToken, Task<int>> run)
    {
        var command = new Command("run", "Send signed inbound-SMS webhooks from many concurrent senders and report ack latency.")
        {
            Url, AuthToken, SignatureUrl, Senders, Messages, Concurrency, Duration, Body, Bodies, Rate, Json, Seed, To, AccountSid, Timeout,
            ExpectReplies, TwilioFakePort, ReplyTimeout, AllowRemote, Redeliver, Retry5xx, Warmup, ReportDir, MaxAckP99, MaxReplyP99, MaxErrorRate,
        };
        command.Validators.Add(result =>
        {
            var url = result.GetValue(Url);
            if (url is not null && !result.GetValue(AllowRemote) && !url.IsLoopback)
            {
                result.AddError($"--url {url} is not loopback: pass --allow-remote if it is your own deployment.");
            }

            if (result.GetValue(Bodies) is { } file && !file.Exists)
            {
                result.AddError($"--bodies {file.FullName} does not exist.");
            }

            if (result.GetValue(Retry5xx) < 0)
            {
                result.AddError("--retry-5xx must be 0 or more.");
            }
        });
        command.SetAction((parse, cancel) => run(Bind(parse), cancel));
        return command;
    }

    private static LoadOptions Bind(ParseResult parse) => new()
    {
        Url = parse.GetRequiredValue(Url),
        AuthToken = parse.GetRequiredValue(AuthToken),
        SignatureUrl = parse.GetValue(SignatureUrl),
        Senders = parse.GetValue(Senders),
        Messages = parse.GetValue(Messages),
        Concurrency = parse.GetValue(Concurrency),
        Duration = parse.GetValue(Duration),
        Bodies = BodiesOf(parse),
        Rate = parse.GetValue(Rate),
        Json = parse.GetValue(Json),
        Seed = parse.GetValue(Seed),
        To = parse.GetValue(To) ?? "",
        AccountSid = parse.GetValue(AccountSid) ?? "",
        Timeout = parse.GetValue(Timeout),
        ExpectReplies = parse.GetValue(ExpectReplies),
        TwilioFakePort = parse.GetValue(TwilioFakePort),
        ReplyTimeout = parse.GetValue(ReplyTimeout),
        Redeliver = parse.GetValue(Redeliver),
        Retry5xx = parse.GetValue(Retry5xx),
        Warmup = parse.GetValue(Warmup),
        ReportDirectory = parse.GetValue(ReportDir),
        MaxAckP99Ms = parse.GetValue(MaxAckP99),
        MaxReplyP99Ms = parse.GetValue(MaxReplyP99),
        MaxErrorRate = parse.GetValue(MaxErrorRate),
    };

    private static IReadOnlyList<string> BodiesOf(ParseResult parse)
    {
        var bodies = (parse.GetValue(Body) ?? []).Where(b => b.Length > 0).ToList();
        if (parse.GetValue(Bodies) is { } file)
        {
            bodies.AddRange(File.ReadAllLines(file.FullName).Select(l => l.Trim()).Where(l => l.Length > 0));
        }

        return bodies.Count > 0 ? bodies : LoadOptions.DefaultBodies;
    }

    private static Option<double?> Threshold(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r => double.TryParse(Single(r), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v : Error<double?>(r, "a number of at least 0"),
    };

    private static Option<int> Positive(string name, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError($"{name} must be at least 1.");
            }
        });
        return option;
    }

    private static string Single(ArgumentResult result) => result.Tokens.Count == 1 ? result.Tokens[0].Value : "";

    private static T Error<T>(ArgumentResult result, string expected)
    {
        result.AddError($"{(result.Parent as OptionResult)?.Option.Name ?? "the option"} expects {expected}.");
        return default!;
    }
}
