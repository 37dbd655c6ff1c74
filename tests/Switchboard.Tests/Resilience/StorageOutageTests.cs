using System.Net;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Resilience;

/// <summary>
/// With Webhook:AckMode=Durable the webhook acknowledges only what storage kept: when storage is down it answers
/// 5xx, so Twilio delivers the message again later, and /health says so.
/// </summary>
public sealed class StorageOutageTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly FakeTwilioServer _twilio = new();
    private SwitchboardFactory _factory = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_azurite.InitializeAsync(), _twilio.InitializeAsync());
        _factory = new SwitchboardFactory(_azurite.ConnectionString, _twilio.BaseUrl, new Dictionary<string, string?> { ["Webhook:AckMode"] = "Durable" });
        _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _twilio.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task In_durable_mode_a_message_storage_cannot_keep_gets_a_5xx_and_health_turns_503()
    {
        var client = _factory.CreateClient();
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
}
