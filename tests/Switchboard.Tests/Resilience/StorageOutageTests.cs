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
        var client = Start("Durable");
        var phone = TestSms.NewPhone();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SwitchboardFactory.SignedSms(phone, "help"))).StatusCode);
        await _twilio.WaitForAsync(phone, 1, TimeSpan.FromSeconds(30));

        await _azurite.StopAsync();
        var refused = await client.SendAsync(SwitchboardFactory.SignedSms(phone, "status"));
        var health = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Single(_twilio.Messages, m => m.To == phone);
    }

    [Fact]
    public async Task In_one_way_mode_a_message_storage_cannot_keep_is_counted_as_lost()
    {
        // Before the storage watch notices (here: never), a one-way hand-off is acknowledged and then lost.
        var client = Start("OneWay", storageCheckPeriod: "00:10:00");
        var phone = TestSms.NewPhone();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SwitchboardFactory.SignedSms(phone, "help"))).StatusCode);
        await _twilio.WaitForAsync(phone, 1, TimeSpan.FromSeconds(30));

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
    public async Task In_one_way_mode_the_webhook_refuses_while_storage_is_down_and_acknowledges_again_once_it_is_back()
    {
        var client = Start("OneWay", storageCheckPeriod: "00:00:00.250");
        var phone = TestSms.NewPhone();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SwitchboardFactory.SignedSms(phone, "help"))).StatusCode);
        await _twilio.WaitForAsync(phone, 1, TimeSpan.FromSeconds(30));

        await _azurite.StopAsync();
        await UntilTheWebhookAnswersAsync(client, phone, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health")).StatusCode);

        await _azurite.RestartAsync();
        var acknowledged = await UntilTheWebhookAnswersAsync(client, phone, HttpStatusCode.OK);

        // The message acknowledged after the outage is answered, and Twilio took the reply.
        await Eventually.HoldsAsync(
            async () => await LastTurnAsync(client, phone) is { } last && last["turn"]!["messageSid"]!.GetValue<string>() == acknowledged
                && last["delivery"]!.GetValue<string>() == "Accepted",
            TimeSpan.FromSeconds(60),
            "the message acknowledged after the outage to be answered");
        Assert.Equal(2, _twilio.Messages.Count(m => m.To == phone));
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

    private static async Task<JsonNode?> LastTurnAsync(HttpClient client, string phone)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/conversations/{Uri.EscapeDataString(phone)}");
        request.Headers.Add("X-Api-Key", SwitchboardFactory.AdminKey);
        using var response = await client.SendAsync(request);
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!["recentTurns"]!.AsArray()[^1] : null;
    }

    private HttpClient Start(string ackMode, string storageCheckPeriod = "00:00:02")
    {
        _factory = new SwitchboardFactory(
            _azurite.ConnectionString,
            _twilio.BaseUrl,
            new Dictionary<string, string?> { ["Webhook:AckMode"] = ackMode, ["Webhook:StorageCheckPeriod"] = storageCheckPeriod });
        return _factory.CreateClient();
    }
}
