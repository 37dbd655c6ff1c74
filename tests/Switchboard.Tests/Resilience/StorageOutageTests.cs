using System.Net;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Resilience;

/// <summary>
/// With Webhook:AckMode=Durable the webhook acknowledges only what storage kept: when storage is down it answers
/// 5xx, so Twilio delivers the message again later, and /health says so. With OneWay the loss is at least loud.
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

        await _azurite.DisposeAsync();
        var refused = await client.SendAsync(SwitchboardFactory.SignedSms(phone, "status"));
        var health = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Single(_twilio.Messages, m => m.To == phone);
    }

    [Fact]
    public async Task In_one_way_mode_a_message_storage_cannot_keep_is_counted_as_lost()
    {
        var client = Start("OneWay");
        var phone = TestSms.NewPhone();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SwitchboardFactory.SignedSms(phone, "help"))).StatusCode);
        await _twilio.WaitForAsync(phone, 1, TimeSpan.FromSeconds(30));

        await _azurite.DisposeAsync();
        // The sender's conversation is active; a new sender's would fail to activate, unseen by our code.
        var acknowledged = await client.SendAsync(SwitchboardFactory.SignedSms(phone, "status"));

        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode); // the price of OneWay: Twilio will not retry
        await Eventually.HoldsAsync(
            async () => (await client.GetStringAsync("/metrics")).Contains("switchboard_messages_lost_total", StringComparison.Ordinal),
            TimeSpan.FromSeconds(90),
            "the lost message to be counted");
    }

    private HttpClient Start(string ackMode)
    {
        _factory = new SwitchboardFactory(_azurite.ConnectionString, _twilio.BaseUrl, new Dictionary<string, string?> { ["Webhook:AckMode"] = ackMode });
        return _factory.CreateClient();
    }
}
