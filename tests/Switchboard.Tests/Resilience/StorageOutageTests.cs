using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Resilience;

/// <summary>
/// With Webhook:AckMode=Durable the webhook acknowledges only what storage kept: when storage is down it answers
/// 5xx, so Twilio delivers the message again later, and /health says so. With OneWay the webhook answers 5xx once
/// the storage watch has seen the outage; what it acknowledged before that is counted as lost.
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly FakeTwilioServer _twilio = new();
    private SwitchboardFactory? _factory;

    public Task InitializeAsync() => Task.WhenAll(_azurite.InitializeAsync(), _twilio.InitializeAsync());

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _twilio.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task In_durable_mode_a_message_storage_cannot_keep_gets_a_5xx_and_health_turns_503()
    {
        var (client, phone) = await StartWithAnAnsweredSenderAsync("Durable");

        await _azurite.StopAsync();
        var refused = await client.SendAsync(SwitchboardFactory.SignedSms(phone, "status"));
        var health = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Single(_twilio.Messages, m => m.To == phone);
    }

    [Fact]
    public async Task In_durable_mode_hung_storage_gets_a_503_in_time_and_the_redelivered_message_one_reply()
    {
        var (client, phone) = await StartWithAnAnsweredSenderAsync("Durable");
        var sid = TestSms.NewSid();

        await _azurite.PauseAsync(); // not down: connections open, nothing answers
        var clock = Stopwatch.StartNew();
        var refused = await client.SendAsync(SwitchboardFactory.SignedSms(phone, "status", sid));
        var waited = clock.Elapsed;
        await _azurite.ResumeAsync();

        // Twilio gives up on a webhook after 15 s; its retry (connection overrides) needs the 503 well before that.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.True(waited < TimeSpan.FromSeconds(12), $"The webhook answered after {waited.TotalSeconds:F1} s.");

        // Twilio delivers the same message again: whether or not the hung write landed after all, one reply.
        await Eventually.HoldsAsync(
            async () => (await client.SendAsync(SwitchboardFactory.SignedSms(phone, "status", sid))).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60),
            "the redelivered message to be acknowledged");
        await Eventually.HoldsAsync(
            async () => await TurnAsync(client, phone, sid) is { } turn && turn["delivery"]!.GetValue<string>() == "Accepted",
            TimeSpan.FromSeconds(60),
            "the redelivered message to be answered");
        await Task.Delay(TimeSpan.FromSeconds(3)); // a second reply, if any, would follow within the retry backoff
        Assert.Single(_twilio.Messages, m => m.To == phone && m.StatusCallback.Contains(Uri.EscapeDataString(sid), StringComparison.Ordinal));
        Assert.Equal(2, _twilio.Messages.Count(m => m.To == phone));
    }

    [Fact]
    public async Task In_one_way_mode_a_message_storage_cannot_keep_is_counted_as_lost()
    {
        // Before the storage watch notices (here: never), a one-way hand-off is acknowledged and then lost.
        var (client, phone) = await StartWithAnAnsweredSenderAsync("OneWay", storageCheckPeriod: "00:10:00");

        await _azurite.StopAsync();
        // The sender's conversation is active; a new sender's would fail to activate, unseen by our code.
        var acknowledged = await client.SendAsync(SwitchboardFactory.SignedSms(phone, "status"));

        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode); // the price of OneWay: Twilio will not retry
        await Eventually.HoldsAsync(
            async () => (await client.GetStringAsync("/metrics")).Contains("switchboard_messages_lost_total", StringComparison.Ordinal),
            TimeSpan.FromSeconds(90),
            "the lost message to be counted");
    }

    [Fact]
    public async Task In_one_way_mode_the_webhook_refuses_while_storage_is_down_and_a_refused_message_delivered_again_is_answered()
    {
        var (client, phone) = await StartWithAnAnsweredSenderAsync("OneWay", storageCheckPeriod: "00:00:00.250");

        await _azurite.StopAsync();
        // Until the watch notices, messages are acknowledged (late if the silo lives, lost if not); then refused.
        var refused = await UntilTheWebhookAnswersAsync(client, phone, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);

        await _azurite.RestartAsync();
        await UntilTheWebhookAnswersAsync(client, phone, HttpStatusCode.OK);
        // Twilio delivers the refused message again: it was never taken in, so now it is kept and answered.
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SwitchboardFactory.SignedSms(phone, "status", refused))).StatusCode);

        await Eventually.HoldsAsync(
            async () => await TurnAsync(client, phone, refused) is { } turn && turn["delivery"]!.GetValue<string>() == "Accepted",
            TimeSpan.FromSeconds(60),
            "the refused message, delivered again, to be answered");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    /// <summary>Texts "status" (a new MessageSid each time) until the webhook gives the status; returns that MessageSid.</summary>
    private static async Task<string> UntilTheWebhookAnswersAsync(HttpClient client, string phone, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var sid = TestSms.NewSid();
            if ((await client.SendAsync(SwitchboardFactory.SignedSms(phone, "status", sid))).StatusCode == status)
            {
                return sid;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The webhook did not answer {status} within 60 s.");
            await Task.Delay(250);
        }
    }

    /// <summary>The conversation's record of the turn for one MessageSid, with its delivery status, if it is among the recent turns.</summary>
    private static async Task<JsonNode?> TurnAsync(HttpClient client, string phone, string messageSid)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/conversations/{Uri.EscapeDataString(phone)}");
        request.Headers.Add("X-Api-Key", SwitchboardFactory.AdminKey);
        using var response = await client.SendAsync(request);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!["recentTurns"]!.AsArray()
                .LastOrDefault(t => t!["turn"]!["messageSid"]!.GetValue<string>() == messageSid)
            : null;
    }

    /// <summary>Starts the host on Azurite and has one sender answered while storage is still up.</summary>
    private async Task<(HttpClient Client, string Phone)> StartWithAnAnsweredSenderAsync(string ackMode, string storageCheckPeriod = "00:00:02")
    {
        _factory = new SwitchboardFactory(
            _azurite.ConnectionString,
            _twilio.BaseUrl,
            new Dictionary<string, string?>
            {
                ["Webhook:AckMode"] = ackMode,
                ["Webhook:StorageCheckPeriod"] = storageCheckPeriod,
                // /health answers from a probe up to this old: the tests read it soon after storage comes and goes.
                ["Health:ProbeInterval"] = "00:00:00.250",
            });
        var client = _factory.CreateClient();
        var phone = TestSms.NewPhone();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SwitchboardFactory.SignedSms(phone, "help"))).StatusCode);
        await _twilio.WaitForAsync(phone, 1, TimeSpan.FromSeconds(30));
        return (client, phone);
    }
}
