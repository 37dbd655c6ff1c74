using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>GET /admin/summary on a host of its own (its own service, so the counts are exactly this test's): Azurite, the Twilio SDK.</summary>
[Collection(HttpCollection.Name)]
public sealed class SummaryTests(HttpFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task The_summary_counts_running_turns_then_a_reply_being_retried_and_a_failed_one()
    {
        await using var factory = fixture.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Agents:StepDelayMs", "1500"); // a turn runs about 7.5 s: long enough to be seen running
            b.UseSetting("Outbound:MaxAttempts", "100");
            b.UseSetting("Outbound:InitialBackoff", "00:00:01");
            b.UseSetting("Outbound:MaxBackoff", "00:00:01");
        });
        var client = factory.CreateClient();
        var admin = factory.CreateAdminClient();
        var (answered, retried, refused) = (TestSms.NewPhone(), TestSms.NewPhone(), TestSms.NewPhone());
        fixture.Twilio.ScriptFor(retried, [.. Enumerable.Repeat(FakeAnswer.Empty(503), 200)]);
        fixture.Twilio.ScriptFor(refused, FakeAnswer.TwilioError(400, 21211));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/admin/summary")).StatusCode);
        foreach (var phone in new[] { answered, retried, refused })
        {
            await client.SendAsync(SwitchboardFactory.SignedSms(phone, "help"));
        }

        JsonElement summary = default;
        await Eventually.HoldsAsync(
            async () => (summary = await admin.GetFromJsonAsync<JsonElement>("/admin/summary")).GetProperty("turnsInFlight").GetInt32() == 3,
            Timeout,
            "three turns running in the summary");
        Assert.Equal(3, summary.GetProperty("activeConversations").GetInt32());
        Assert.Equal(0, summary.GetProperty("failedRepliesLast24h").GetInt32());
        Assert.Equal(1, summary.GetProperty("silosReporting").GetInt32());

        await Eventually.HoldsAsync(
            async () => (summary = await admin.GetFromJsonAsync<JsonElement>("/admin/summary")) is var s
                && s.GetProperty("turnsInFlight").GetInt32() == 0
                && s.GetProperty("repliesRetrying").GetInt32() == 1
                && s.GetProperty("failedRepliesLast24h").GetInt32() == 1
                && s.GetProperty("turnsLastMinute").GetInt32() == 3,
            Timeout,
            "the turns done (three in the last minute), one reply being retried and one failed");
        Assert.Equal(3, summary.GetProperty("activeConversations").GetInt32());

        // An operator looking up numbers that never texted does not make them active conversations.
        foreach (var stranger in new[] { TestSms.NewPhone(), TestSms.NewPhone() })
        {
            var view = await admin.GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(stranger)}");
            Assert.Equal(0, view.GetProperty("recentTurns").GetArrayLength());
        }

        await Task.Delay(TimeSpan.FromSeconds(6)); // one report of the silo's counts after the look-ups
        await Eventually.HoldsAsync(
            async () => (await admin.GetFromJsonAsync<JsonElement>("/admin/summary")).GetProperty("activeConversations").GetInt32() == 3,
            Timeout,
            "the looked-up numbers not counted as active");
    }

    [Fact]
    public async Task Numbers_opting_out_and_back_in_are_counted_in_the_summary_and_on_the_console_overview()
    {
        await using var factory = fixture.Factory.WithWebHostBuilder(_ => { }); // a service of its own: the count is this test's
        var client = factory.CreateClient();
        var admin = factory.CreateAdminClient();
        var (stays, returns) = (TestSms.NewPhone(), TestSms.NewPhone());

        await client.SendAsync(SwitchboardFactory.SignedSms(stays, "STOP"));
        await client.SendAsync(SwitchboardFactory.SignedSms(returns, "STOP"));
        await Eventually.HoldsAsync(async () => await OptedOutAsync(admin) == 2, Timeout, "two opted-out numbers");
        await client.SendAsync(SwitchboardFactory.SignedSms(returns, "START"));
        await Eventually.HoldsAsync(async () => await OptedOutAsync(admin) == 1, Timeout, "one number back in");

        var console = factory.CreateOpsClient();
        await OpsSession.LogInAsync(console);
        Assert.Contains("<li><strong>1</strong>opted-out numbers</li>", await console.GetStringAsync("/ops/figures"));
    }

    private static async Task<int> OptedOutAsync(HttpClient admin) =>
        (await admin.GetFromJsonAsync<JsonElement>("/admin/summary")).GetProperty("optedOutNumbers").GetInt32();
}
