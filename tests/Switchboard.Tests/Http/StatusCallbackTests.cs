using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Outbound;

namespace Switchboard.Tests.Http;

/// <summary>
/// A status callback whose recording fails (storage down or hung) is answered 503, so Twilio can bring it again when
/// its URL asks for retries, and logged with the outbound id masked; never an unexplained 500.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class StatusCallbackTests(HttpFixture fixture)
{
    private const int StatusNotRecorded = 4006;
    private static readonly string TwilioSid = $"SM{Guid.NewGuid():N}";

    [Theory]
    [InlineData("down")]
    [InlineData("hung")]
    public async Task A_status_storage_cannot_record_is_answered_503_and_logged_and_accepted_once_storage_answers(string outage)
    {
        var faults = new GrainStorageFaults();
        var logs = new OutboundLogCapture();
        await using var host = fixture.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Webhook:AcceptTimeout", "00:00:00.500");
            b.ConfigureTestServices(s =>
            {
                faults.InstallIn(s);
                s.AddSingleton<ILoggerProvider>(logs);
            });
        });
        var client = host.CreateClient();
        var phone = TestSms.NewPhone();
        var outboundId = $"{phone}:{TestSms.NewSid()}:reply";
        Func<GrainId, bool> theMessage = g => g.Key.ToString() == outboundId;
        if (outage == "down")
        {
            faults.Failing = theMessage;
        }
        else
        {
            faults.Hanging = theMessage;
        }

        HttpResponseMessage refused;
        using (faults)
        {
            refused = await client.SendAsync(StatusCallback(outboundId, phone));
            faults.Failing = faults.Hanging = _ => false;
        }

        var accepted = await client.SendAsync(StatusCallback(outboundId, phone)); // Twilio's retry, storage answering again

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var logged = Assert.Single(logs.Entries, e => e.EventId == StatusNotRecorded);
        Assert.Contains(PhoneMask.Mask(phone), logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(phone, logged.Message, StringComparison.Ordinal);
        Assert.Contains("delivered", logged.Message, StringComparison.Ordinal);
        Assert.Contains(outage == "down" ? "RequestFailedException" : "TimeoutException", logged.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode); // an id of no message of ours: acknowledged, as always
    }

    private static HttpRequestMessage StatusCallback(string outboundId, string to) => TwilioSigner.SignedPost(
        SwitchboardFactory.AuthToken,
        $"{SwitchboardFactory.WebhookBaseUrl}/twilio/status?id={Uri.EscapeDataString(outboundId)}",
        new() { ["MessageSid"] = TwilioSid, ["MessageStatus"] = "delivered", ["To"] = to });
}
