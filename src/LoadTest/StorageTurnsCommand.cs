using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Switchboard.LoadTest;

/// <summary>One measured window: how many turns it held and what storage saw meanwhile.</summary>
public sealed record StoragePhase(string Name, int Turns, double Seconds, StorageSnapshot Counters)
{
    public double WritesPerTurn => PerTurn(Counters.Writes);

    public double ReadsPerTurn => PerTurn(Counters.Reads);

    public double RequestKiBPerTurn => PerTurn(Counters.Total.RequestBytes) / 1024;

    public double ResponseKiBPerTurn => PerTurn(Counters.Total.ResponseBytes) / 1024;

    public double PerTurn(long value) => Turns == 0 ? value : Math.Round((double)value / Turns, 3);
}

/// <summary>
/// The <c>storage-turns</c> command: one sender at a time converses with the service (each message sent only after the
/// previous reply reached the embedded fake Twilio) while a <c>storage-proxy</c> counts the storage requests; reports
/// storage operations and bytes per turn for a fresh conversation and for an aged one.
/// </summary>
public static class StorageTurnsCommand
{
    private const string AgedSender = "+15550190001";
    private const string FreshSender = "+15550190002";

    /// <summary>A day takes at most 24 h: logs move one day back every this many, so none is refused.</summary>
    private const int LogsPerDay = 20;

    private static readonly Option<Uri> Url = new("--url") { Description = "Base URL of the service (loopback).", Required = true, CustomParser = StorageProxyCommand.LoopbackUrl };
    private static readonly Option<string> AuthToken = new("--auth-token") { Description = "Twilio auth token of the service.", Required = true };
    private static readonly Option<Uri> Proxy = new("--proxy") { Description = "Base URL of the storage-proxy (its GET /__counters).", Required = true, CustomParser = StorageProxyCommand.LoopbackUrl };
    private static readonly Option<int> TwilioFakePort = new("--twilio-fake-port") { Description = "Port of the embedded fake Twilio REST server.", Required = true };
    private static readonly Option<int> Aged = new("--aged") { Description = "Turns of the aged sender before its measurement (not counted).", DefaultValueFactory = _ => 150 };
    private static readonly Option<int> Measured = new("--measured") { Description = "Measured turns of the aged sender.", DefaultValueFactory = _ => 40 };
    private static readonly Option<int> Fresh = new("--fresh") { Description = "Measured turns of a new sender (its first ones).", DefaultValueFactory = _ => 10 };

    private static readonly Option<TimeSpan> Settle = new("--settle")
    {
        Description = "Wait after a phase's last reply before reading the counters (trailing writes).",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(2),
        CustomParser = r => Duration(r, "2s"),
    };

    private static readonly Option<TimeSpan> Idle = new("--idle")
    {
        Description = "Quiet window measured before the phases: background storage traffic, not part of any turn.",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(3),
        CustomParser = r => Duration(r, "3s"),
    };

    private static readonly Option<TimeSpan> ReplyTimeout = new("--reply-timeout")
    {
        Description = "Fail when a reply has not reached the fake Twilio this long after its message was acknowledged.",
        DefaultValueFactory = _ => TimeSpan.FromSeconds(30),
        CustomParser = r => Duration(r, "30s"),
    };

    private static readonly Option<string> Label = new("--label") { Description = "Free text stored with the results (commit, configuration).", DefaultValueFactory = _ => "" };
    private static readonly Option<FileInfo?> Json = new("--json") { Description = "Also write the results as JSON to this file." };

    public static Command Create()
    {
        var command = new Command("storage-turns", "Converse one message at a time (fresh and aged sender) and report storage operations and bytes per turn from a storage-proxy.")
        {
            Url, AuthToken, Proxy, TwilioFakePort, Aged, Measured, Fresh, Settle, Idle, ReplyTimeout, Label, Json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(Aged) < 0 || result.GetValue(Measured) < 1 || result.GetValue(Fresh) < 1)
            {
                result.AddError("--aged must be 0 or more, --measured and --fresh at least 1.");
            }
        });
        command.SetAction((parse, cancel) => RunAsync(parse, cancel));
        return command;
    }

    /// <summary>The text of a sender's turn <paramref name="turn"/> (0-based): a log, then a status check, alternately.</summary>
    public static string MessageFor(int turn, DateOnly todayUtc)
    {
        if (turn % 2 == 1)
        {
            return "check my timesheet";
        }

        // Days before today (UTC, never ahead of the service's day), LogsPerDay 1 h entries a day, well inside retention.
        var day = todayUtc.AddDays(-1 - (turn / 2 / LogsPerDay));
        return $"log 1h on Apollo {day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel)
    {
        var url = parse.GetRequiredValue(Url);
        var proxy = parse.GetRequiredValue(Proxy);
        var replies = new MessageLedger();
        await using var fake = new FakeTwilioServer(parse.GetValue(TwilioFakePort), replies);
        await fake.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var conversation = new Conversation(http, url, parse.GetRequiredValue(AuthToken), replies, parse.GetValue(ReplyTimeout), DateOnly.FromDateTime(DateTime.UtcNow));
        var counters = new Uri(proxy, StorageProxyCommand.CountersPath);
        var settle = parse.GetValue(Settle);
        var phases = new List<StoragePhase>();

        async Task<StoragePhase> MeasureAsync(string name, int turns, Func<Task> work)
        {
            var before = await ReadAsync(http, counters, cancel);
            var started = Stopwatch.GetTimestamp();
            await work();
            await Task.Delay(settle, cancel);
            var phase = new StoragePhase(name, turns, Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds, 2), (await ReadAsync(http, counters, cancel)).Minus(before));
            phases.Add(phase);
            Console.WriteLine($"  {name}: {phase.Counters.Total.Requests} storage requests in {phase.Seconds} s");
            return phase;
        }

        try
        {
            var aged = parse.GetValue(Aged);
            var measured = parse.GetValue(Measured);
            var fresh = parse.GetValue(Fresh);
            Console.WriteLine($"fake Twilio on {fake.BaseUrl}; counters at {counters}");

            var idle = parse.GetValue(Idle);
            await MeasureAsync($"idle {idle.TotalSeconds:0.#} s (background)", 0, () => Task.Delay(idle - settle > TimeSpan.Zero ? idle - settle : TimeSpan.Zero, cancel));

            await MeasureAsync("fresh: turn 1", 1, () => conversation.TurnsAsync(FreshSender, 0, 1, cancel));
            if (fresh > 1)
            {
                var rest = await MeasureAsync(fresh == 2 ? "fresh: turn 2" : $"fresh: turns 2-{fresh}", fresh - 1, () => conversation.TurnsAsync(FreshSender, 1, fresh - 1, cancel));
                var first = phases[^2];
                phases.Add(new StoragePhase($"fresh: turns 1-{fresh}", fresh, first.Seconds + rest.Seconds, first.Counters.Plus(rest.Counters)));
            }

            if (aged > 0)
            {
                Console.WriteLine($"  ageing {AgedSender}: {aged} turns (not counted)...");
                var started = Stopwatch.GetTimestamp();
                await conversation.TurnsAsync(AgedSender, 0, aged, cancel);
                Console.WriteLine($"  aged in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
                await Task.Delay(settle, cancel);
            }

            await MeasureAsync($"aged: turns {aged + 1}-{aged + measured}", measured, () => conversation.TurnsAsync(AgedSender, aged, measured, cancel));
        }
        catch (ConversationFailed ex)
        {
            Console.Error.WriteLine($"FAILED: {ex.Message}");
            return LoadTestApp.RepliesMissing;
        }

        var result = new
        {
            label = parse.GetValue(Label),
            at = DateTimeOffset.UtcNow,
            url = url.ToString(),
            aged = parse.GetValue(Aged),
            measured = parse.GetValue(Measured),
            fresh = parse.GetValue(Fresh),
            settleSeconds = settle.TotalSeconds,
            unmatchedReplies = replies.Summarize().Unmatched,
            duplicateReplies = replies.Summarize().DuplicateReplies,
            phases = phases.Select(p => new
            {
                p.Name, p.Turns, p.Seconds, p.WritesPerTurn, p.ReadsPerTurn,
                RequestKiBPerTurn = Math.Round(p.RequestKiBPerTurn, 2), ResponseKiBPerTurn = Math.Round(p.ResponseKiBPerTurn, 2), p.Counters,
            }),
        };
        Console.WriteLine();
        Console.Write(Format(phases));
        var ledger = replies.Summarize();
        if (ledger.Unmatched + ledger.DuplicateReplies > 0)
        {
            Console.WriteLine($"note: {ledger.DuplicateReplies} replies beyond one per message, {ledger.Unmatched} naming no message of this run.");
        }

        if (parse.GetValue(Json) is { } json)
        {
            json.Directory?.Create();
            await File.WriteAllTextAsync(json.FullName, JsonSerializer.Serialize(result, StorageSnapshot.Json), cancel);
            Console.WriteLine($"results written to {json.FullName}");
        }

        return LoadTestApp.Ok;
    }

    /// <summary>The report: one summary line per phase, then per-method and per-table figures per turn.</summary>
    public static string Format(IReadOnlyList<StoragePhase> phases)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"phase",-24} {"turns",5} {"writes/turn",11} {"reads/turn",10} {"KiB sent/turn",13} {"KiB recv/turn",13} {"batches",7} {"queries",7}");
        foreach (var p in phases)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{p.Name,-24} {p.Turns,5} {p.WritesPerTurn,11:0.00} {p.ReadsPerTurn,10:0.00} {p.RequestKiBPerTurn,13:0.00} {p.ResponseKiBPerTurn,13:0.00} {p.Counters.BatchRequests,7} {p.Counters.Queries,7}");
        }

        foreach (var p in phases.Where(p => p.Counters.Total.Requests > 0))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"{p.Name}{(p.Turns == 0 ? " (totals)" : ", per turn")}: requests, KiB sent, KiB received");
            foreach (var (key, c) in p.Counters.Methods.Concat(p.Counters.Tables.Select(t => KeyValuePair.Create("  " + t.Key, t.Value))))
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {key,-40} {p.PerTurn(c.Requests),8:0.00} {p.PerTurn(c.RequestBytes) / 1024,8:0.00} {p.PerTurn(c.ResponseBytes) / 1024,8:0.00}");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  status codes: {string.Join(", ", p.Counters.Statuses.Select(s => $"{s.Key} x{s.Value}"))}");
        }

        return text.ToString();
    }

    private static async Task<StorageSnapshot> ReadAsync(HttpClient http, Uri counters, CancellationToken cancel) =>
        await http.GetFromJsonAsync<StorageSnapshot>(counters, StorageSnapshot.Json, cancel)
        ?? throw new InvalidOperationException($"{counters} answered no counters");

    private static TimeSpan Duration(ArgumentResult r, string example)
    {
        if (r.Tokens.Count == 1 && ValueParsers.TryParseDuration(r.Tokens[0].Value, out var d))
        {
            return d;
        }

        r.AddError($"expects a duration such as {example}.");
        return default;
    }

    private sealed class ConversationFailed(string message) : Exception(message);

    /// <summary>Sends signed webhooks for one sender at a time, each after the previous reply arrived.</summary>
    private sealed class Conversation(HttpClient http, Uri url, string authToken, MessageLedger replies, TimeSpan replyTimeout, DateOnly todayUtc)
    {
        private readonly string _webhook = url.ToString().TrimEnd('/') + "/twilio/sms";

        public async Task TurnsAsync(string sender, int firstTurn, int count, CancellationToken cancel)
        {
            for (var turn = firstTurn; turn < firstTurn + count; turn++)
            {
                await TurnAsync(sender, turn, cancel);
            }
        }

        private async Task TurnAsync(string sender, int turn, CancellationToken cancel)
        {
            var body = MessageFor(turn, todayUtc);
            var sid = SenderPlan.NewMessageSid();
            var form = new KeyValuePair<string, string>[]
            {
                new("MessageSid", sid),
                new("AccountSid", "AC00000000000000000000000000000000"),
                new("From", sender),
                new("To", "+15005550006"),
                new("Body", body),
                new("NumMedia", "0"),
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, _webhook) { Content = new FormUrlEncodedContent(form) };
            request.Headers.TryAddWithoutValidation(TwilioSigner.Header, TwilioSigner.Sign(authToken, _webhook, form));
            var expected = replies.AnsweredMessages + 1;
            replies.Sent(sid, sender, Stopwatch.GetTimestamp());
            using (var response = await http.SendAsync(request, cancel))
            {
                if ((int)response.StatusCode != 200)
                {
                    throw new ConversationFailed($"turn {turn + 1} of {sender} (\"{body}\") was answered {(int)response.StatusCode}, not 200.");
                }
            }

            replies.Acked(sid);

            var deadline = Stopwatch.GetTimestamp() + (long)(replyTimeout.TotalSeconds * Stopwatch.Frequency);
            while (replies.AnsweredMessages < expected)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new ConversationFailed(
                        $"no reply to turn {turn + 1} of {sender} (\"{body}\") reached the fake Twilio within {replyTimeout.TotalSeconds:0} s (is the service started with Twilio__Enabled=true and Twilio__ApiBaseUrl pointing at it?).");
                }

                await Task.Delay(5, cancel);
            }
        }
    }
}
