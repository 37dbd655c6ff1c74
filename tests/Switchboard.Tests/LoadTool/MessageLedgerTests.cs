extern alias loadtool;

using System.Diagnostics;
using loadtool::Switchboard.LoadTest;

namespace Switchboard.Tests.LoadTool;

/// <summary>The load tool's verdict: accounting per MessageSid from synthetic sends, acks and replies, and the exit codes.</summary>
public sealed class MessageLedgerTests
{
    private const string Alice = "+15550100001";
    private const string Bob = "+15550100002";
    private static readonly long T0 = Stopwatch.GetTimestamp();

    [Fact]
    public void Every_acked_message_answered_once_in_order_is_clean_and_its_latency_counts_from_the_first_send()
    {
        var ledger = new MessageLedger();
        Send(ledger, "SM1", Alice, atMs: 0);
        Send(ledger, "SM2", Alice, atMs: 100);
        Send(ledger, "SM3", Bob, atMs: 0);

        Assert.Equal(ReplyKind.Answer, ledger.Replied(Callback(Alice, "SM1"), At(2_000)));
        Assert.Equal(ReplyKind.Answer, ledger.Replied(Callback(Bob, "SM3"), At(2_100)));
        Assert.Equal(ReplyKind.Answer, ledger.Replied(Callback(Alice, "SM2"), At(3_100)));

        var summary = ledger.Summarize();
        Assert.Equal((3, 3, 3, 0, 0, 0, 0), (summary.Sent, summary.Acked, summary.Replies, summary.Lost, summary.Duplicates, summary.OutOfOrder, summary.Unmatched));
        var latency = ledger.ReplyLatency.Summarize();
        Assert.Equal(3, latency.Count);
        Assert.InRange(latency.MaxMs, 2_990, 3_010);
        Assert.InRange(latency.P50Ms, 1_990, 2_110);
    }

    [Fact]
    public void An_acked_message_without_a_reply_is_lost_and_named()
    {
        var ledger = new MessageLedger();
        Send(ledger, "SM1", Alice, atMs: 0);
        Send(ledger, "SM2", Alice, atMs: 10);
        ledger.Replied(Callback(Alice, "SM1"), At(500));

        var summary = ledger.Summarize();
        Assert.Equal(1, summary.Lost);
        Assert.Equal(["SM2"], ledger.LostSids(10));
        Assert.Equal(1, ledger.Outstanding);
    }

    [Fact]
    public void A_second_reply_to_one_MessageSid_is_a_duplicate_and_does_not_count_as_an_answer_twice()
    {
        var ledger = new MessageLedger();
        Send(ledger, "SM1", Alice, atMs: 0);

        ledger.Replied(Callback(Alice, "SM1"), At(500));
        Assert.Equal(ReplyKind.Duplicate, ledger.Replied(Callback(Alice, "SM1"), At(900)));
        Assert.Equal(ReplyKind.Duplicate, ledger.Replied(Callback(Alice, "SM1"), At(950)));

        var summary = ledger.Summarize();
        Assert.Equal((1L, 1L, 2L, 0L), (summary.Replies, summary.Duplicates, summary.DuplicateReplies, summary.Lost));
        Assert.Equal(1, ledger.ReplyLatency.Summarize().Count);
    }

    [Fact]
    public void A_reply_arriving_after_the_reply_to_a_later_acked_message_of_the_same_sender_is_out_of_order()
    {
        var ledger = new MessageLedger();
        Send(ledger, "SM1", Alice, atMs: 0);
        Send(ledger, "SM2", Alice, atMs: 10);
        Send(ledger, "SM3", Alice, atMs: 20);
        Send(ledger, "SM4", Bob, atMs: 30);

        ledger.Replied(Callback(Bob, "SM4"), At(100)); // another sender: no order between senders
        ledger.Replied(Callback(Alice, "SM2"), At(200));
        Assert.Equal(ReplyKind.OutOfOrder, ledger.Replied(Callback(Alice, "SM1"), At(300)));
        Assert.Equal(ReplyKind.Answer, ledger.Replied(Callback(Alice, "SM3"), At(400)));

        var summary = ledger.Summarize();
        Assert.Equal((1L, 0L, 4L), (summary.OutOfOrder, summary.Lost, summary.Replies));
    }

    [Fact]
    public void Ack_order_is_the_order_of_the_first_200_whatever_the_send_order_and_redeliveries()
    {
        var ledger = new MessageLedger();
        ledger.Sent("SM1", Alice, At(0));
        ledger.Sent("SM2", Alice, At(5));
        ledger.Acked("SM2"); // SM1's first delivery got a 503; its retry is acked after SM2
        ledger.Acked("SM1");
        ledger.Acked("SM2"); // a redelivery: not a second position

        ledger.Replied(Callback(Alice, "SM2"), At(100));
        Assert.Equal(ReplyKind.Answer, ledger.Replied(Callback(Alice, "SM1"), At(200)));
        Assert.Equal(0, ledger.Summarize().OutOfOrder);
    }

    [Fact]
    public void Replies_naming_no_message_of_the_run_are_unmatched_and_notices_are_other_messages()
    {
        var ledger = new MessageLedger();
        Send(ledger, "SM1", Alice, atMs: 0);

        Assert.Equal(ReplyKind.Unmatched, ledger.Replied(Callback(Alice, "SMfromAnEarlierRun"), At(10)));
        Assert.Equal(ReplyKind.Unmatched, ledger.Replied("http://127.0.0.1:5000/twilio/status", At(10)));
        Assert.Equal(ReplyKind.Unmatched, ledger.Replied(null, At(10)));
        Assert.Equal(ReplyKind.Other, ledger.Replied(Callback(Alice, "SM1", "interim"), At(20)));
        Assert.Equal(ReplyKind.Other, ledger.Replied(Callback(Alice, "SM1", "overflow"), At(20)));
        Assert.Equal(ReplyKind.Other, ledger.Replied(Callback(Alice, "reminder-2026-11-30", "reminder"), At(20)));

        var summary = ledger.Summarize();
        Assert.Equal(3, summary.Unmatched);
        Assert.Equal(new Dictionary<string, long> { ["interim"] = 1, ["overflow"] = 1, ["reminder"] = 1 }, summary.OtherMessages);
        Assert.Equal(1, summary.Lost); // notices are not answers
        Assert.Equal(6, summary.ReplyPosts);
    }

    [Fact]
    public void A_message_never_acked_is_not_lost_and_a_reply_to_it_is_counted_apart()
    {
        var ledger = new MessageLedger();
        ledger.Sent("SM1", Alice, At(0)); // 503, not retried
        ledger.Sent("SM2", Bob, At(0));

        Assert.Equal(0, ledger.Summarize().Lost);
        ledger.Replied(Callback(Bob, "SM2"), At(100));

        var summary = ledger.Summarize();
        Assert.Equal((2L, 0L, 0L, 1L, 1L), (summary.Sent, summary.Acked, summary.Lost, summary.Replies, summary.RepliesToUnacked));
    }

    [Fact]
    public void A_reply_that_came_before_a_later_delivery_was_acknowledged_is_an_answer_to_an_acked_message()
    {
        var ledger = new MessageLedger();
        ledger.Sent("SM1", Alice, At(0)); // first delivery: 503, yet the service kept the message and answered it
        ledger.Replied(Callback(Alice, "SM1"), At(100));
        ledger.Acked("SM1"); // Twilio's redelivery: 200 (deduplicated)

        var summary = ledger.Summarize();
        Assert.Equal((1L, 1L, 0L, 0L, 0L), (summary.Acked, summary.Replies, summary.Lost, summary.Duplicates, summary.RepliesToUnacked));
    }

    [Fact]
    public void Messages_first_sent_during_the_warmup_are_accounted_but_not_in_the_latency_or_the_series()
    {
        var series = new TimeSeries(At(1_000));
        var ledger = new MessageLedger(At(1_000), series);
        Send(ledger, "SM1", Alice, atMs: 500);
        Send(ledger, "SM2", Alice, atMs: 1_500);
        ledger.Replied(Callback(Alice, "SM1"), At(1_600));
        ledger.Replied(Callback(Alice, "SM2"), At(2_600));

        Assert.Equal(1, ledger.ReplyLatency.Summarize().Count);
        Assert.Equal((2L, 1L), (ledger.Summarize().Replies, ledger.Summarize().WarmupMessages));
        var seconds = series.Snapshot();
        Assert.Equal(1, seconds.Sum(s => s.Replies));
        Assert.Equal(1, seconds[1].Replies);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/twilio/status?id=%2B15550100001%3ASMab%3Areply", "+15550100001", "SMab", "reply")]
    [InlineData("https://x/twilio/status?a=1&id=whatsapp%3A%2B15550100001%3ASMab%3Ainterim", "whatsapp:+15550100001", "SMab", "interim")]
    [InlineData("+15550100001:reminder-2026-11-30:reminder", "+15550100001", "reminder-2026-11-30", "reminder")]
    public void Outbound_ids_are_read_from_the_status_callback(string callback, string phone, string sid, string purpose) =>
        Assert.Equal(new OutboundIdParts(phone, sid, purpose), MessageLedger.OutboundIdOf(callback));

    [Theory]
    [InlineData("")]
    [InlineData("http://x/twilio/status?other=1")]
    [InlineData("no-colons")]
    [InlineData("+1555:SM1:")]
    public void Callbacks_without_an_outbound_id_give_none(string callback) => Assert.Null(MessageLedger.OutboundIdOf(callback));

    [Fact]
    public void The_default_body_mix_exercises_the_planner_without_submit_and_rotates_per_sender()
    {
        var options = Options();
        Assert.DoesNotContain(options.Bodies, b => b.Contains("submit", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(4, Enumerable.Range(0, 4).Select(m => options.BodyFor(0, m)).Distinct().Count());
        Assert.NotEqual(options.BodyFor(0, 0), options.BodyFor(1, 0));
    }

    public static TheoryData<string, int> Verdicts => new()
    {
        { "clean", LoadTestApp.Ok },
        { "503", LoadTestApp.RequestsFailed },
        { "503 retried", LoadTestApp.Ok },
        { "lost", LoadTestApp.RepliesMissing },
        { "duplicate", LoadTestApp.DuplicatesOrReordering },
        { "out of order", LoadTestApp.DuplicatesOrReordering },
        { "slow ack", LoadTestApp.ThresholdCrossed },
        { "lost and duplicate", LoadTestApp.RepliesMissing },
    };

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void The_exit_code_names_the_first_failed_check(string scenario, int exitCode)
    {
        var options = Options() with { Retry5xx = scenario == "503 retried" ? 1 : 0, MaxAckP99Ms = 500 };
        var series = new TimeSeries(T0);
        var ledger = new MessageLedger(T0, series);
        var stats = new LoadStats();
        for (var i = 1; i <= 3; i++)
        {
            ledger.Sent($"SM{i}", Alice, At(i));
            if (i == 1 && scenario.StartsWith("503", StringComparison.Ordinal))
            {
                stats.RecordResponse(503, TimeSpan.FromMilliseconds(5), measured: true);
                if (scenario == "503") { stats.RecordUnacknowledged(); continue; }
                stats.RecordRetry();
            }

            stats.RecordResponse(200, TimeSpan.FromMilliseconds(scenario == "slow ack" ? 900 : 10), measured: true);
            ledger.Acked($"SM{i}");
        }

        int[] answered = scenario switch
        {
            "503" => [2, 3],
            "lost" => [1, 2],
            "duplicate" => [1, 2, 3, 3],
            "out of order" => [2, 1, 3],
            "lost and duplicate" => [1, 1, 2],
            _ => [1, 2, 3],
        };
        foreach (var i in answered)
        {
            ledger.Replied(Callback(Alice, $"SM{i}"), At(1_000 + i));
        }

        var result = LoadTestApp.Summarize(options, stats, ledger, series, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(2));

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(exitCode == LoadTestApp.Ok, result.Checks.All(c => c.Passed));
    }

    [Fact]
    public void The_html_report_is_self_contained_with_svg_charts()
    {
        var series = new TimeSeries(T0);
        var ledger = new MessageLedger(T0, series);
        var stats = new LoadStats();
        for (var i = 0; i < 50; i++)
        {
            ledger.Sent($"SM{i}", Alice, At(i * 40));
            series.Sent(At(i * 40));
            stats.RecordResponse(200, TimeSpan.FromMilliseconds(5 + i), measured: true);
            series.Acked(At((i * 40) + 5), TimeSpan.FromMilliseconds(5 + i));
            ledger.Acked($"SM{i}");
            ledger.Replied(Callback(Alice, $"SM{i}"), At((i * 40) + 800));
        }

        var result = LoadTestApp.Summarize(Options(), stats, ledger, series, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(2));
        var html = HtmlReport.Render(result);
        var markdown = Report.Markdown(result);

        Assert.Equal(4, CountOf(html, "<svg "));
        Assert.Contains("<polyline", html);
        Assert.Contains("<rect", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("src=", html);
        Assert.Contains("| reply | 50 |", markdown);
        Assert.Contains("| lost | 0 |", markdown);
        Assert.True(result.Series.Count >= 2);
        Assert.Equal(50, result.Series.Sum(s => s.Acked));
    }

    [Theory]
    [InlineData(7, 8, 5)]
    [InlineData(0.3, 0.3, 4)]
    [InlineData(1234, 1250, 6)]
    public void Linear_chart_scales_end_on_a_nice_number(double max, double top, int ticks)
    {
        var (_, scaleTop, scaleTicks) = HtmlReport.LinearScale(max);
        Assert.Equal(top, scaleTop, 6);
        Assert.Equal(ticks, scaleTicks.Length);
    }

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    private static LoadOptions Options() => new() { Url = new Uri("http://127.0.0.1:5000"), AuthToken = "t", ExpectReplies = true };

    private static void Send(MessageLedger ledger, string sid, string sender, int atMs)
    {
        ledger.Sent(sid, sender, At(atMs));
        ledger.Acked(sid);
    }

    private static long At(double milliseconds) => T0 + (long)(milliseconds / 1000 * Stopwatch.Frequency);

    private static string Callback(string phone, string sid, string purpose = "reply") =>
        $"http://127.0.0.1:5000/twilio/status?id={Uri.EscapeDataString($"{phone}:{sid}:{purpose}")}";
}
