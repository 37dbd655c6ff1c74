using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Outbound;

namespace Switchboard.Tests.Http;

/// <summary>Development keeps replies in the dev outbox even with a real account configured: the host says so at start.</summary>
[Collection(HttpCollection.Name)]
public sealed class DevOutboxNoticeTests(HttpFixture fixture)
{
    private const int NoticeEventId = 3101;

    [Fact]
    public async Task A_real_looking_account_sid_in_Development_warns_that_replies_stay_in_the_dev_outbox()
    {
        var logs = await StartDevelopmentHost("AC1234567890abcdef1234567890abcdef");

        var notice = Assert.Single(logs.Entries, e => e.EventId == NoticeEventId);
        Assert.Contains("dev outbox", notice.Message, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_ENVIRONMENT=Production", notice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_documented_placeholder_account_sid_does_not_warn()
    {
        var logs = await StartDevelopmentHost("AC00000000000000000000000000000000");

        Assert.DoesNotContain(logs.Entries, e => e.EventId == NoticeEventId);
    }

    private async Task<OutboundLogCapture> StartDevelopmentHost(string accountSid)
    {
        var logs = new OutboundLogCapture();
        // The factory points Twilio at the fake server and turns it on; unset both, as a developer's machine has them.
        var settings = new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = accountSid,
            ["Twilio:ApiBaseUrl"] = null,
            ["Twilio:Enabled"] = null,
        };
        await using var factory = new SwitchboardFactory(fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl, settings);
        await using var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(logs)));
        host.CreateClient();
        return logs;
    }
}
