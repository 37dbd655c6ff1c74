using System.Net;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>What operators and API consumers read: Prometheus metrics and the OpenAPI document.</summary>
[Collection(HttpCollection.Name)]
public sealed class OperationsTests(HttpFixture fixture)
{
    [Fact]
    public async Task Metrics_expose_the_switchboard_meter_in_Prometheus_format()
    {
        var client = fixture.Factory.CreateClient();
        var phone = TestSms.NewPhone();
        await client.SendAsync(SwitchboardFactory.SignedSms(phone, "help"));
        await fixture.Twilio.WaitForAsync(phone, 1, TimeSpan.FromSeconds(30));

        // Awaited: the fake Twilio holds the reply a moment before the grain counts it accepted, and the exporter
        // caches a scrape for 300 ms, so one scrape can come too early for either counter. ASP.NET Core's request
        // durations are checked on a host of its own process (LoadToolEndToEndTests): in this test process several
        // hosts publish that instrument under one name, OpenTelemetry keeps the first host's, and it goes when that
        // host is disposed.
        string[] expected = ["switchboard_turns_answered", "switchboard_outbound_accepted", "dotnet_gc_"];
        string[] missing = expected;
        try
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    var text = await client.GetStringAsync("/metrics");
                    missing = [.. expected.Where(name => !text.Contains(name, StringComparison.Ordinal))];
                    return missing.Length == 0;
                },
                TimeSpan.FromSeconds(10),
                "the turn and outbound counters and the runtime meter in /metrics");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"missing from /metrics: {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_HTTP_surface()
    {
        var response = await fixture.Factory.CreateClient().GetAsync("/openapi/v1.json");
        var document = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"/twilio/sms\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/twilio/status\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/admin/conversations/{phone}\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/admin/employees/{phone}\"", document, StringComparison.Ordinal);
    }
}
