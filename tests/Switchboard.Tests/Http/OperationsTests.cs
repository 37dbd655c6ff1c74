using System.Net;
using System.Text.Json;
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

    [Fact]
    public async Task The_OpenAPI_document_declares_the_admin_key_and_the_401_and_404_answers()
    {
        using var document = JsonDocument.Parse(await fixture.Factory.CreateClient().GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;

        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("AdminKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        var paths = root.GetProperty("paths");
        var admin = paths.EnumerateObject().Where(p => p.Name.StartsWith("/admin/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Route: $"{o.Name} {p.Name}", Operation: o.Value))).ToList();
        Assert.Contains(admin, o => o.Route == "get /admin/summary");
        Assert.All(admin, o =>
        {
            Assert.True(o.Operation.GetProperty("responses").TryGetProperty("401", out _), $"{o.Route} declares no 401");
            Assert.Contains(o.Operation.GetProperty("security").EnumerateArray(), r => r.TryGetProperty("AdminKey", out _));
        });
        Assert.True(paths.GetProperty("/admin/outbound/{id}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _));
        Assert.False(paths.GetProperty("/twilio/sms").GetProperty("post").TryGetProperty("security", out _)); // Twilio signs instead
    }

    [Fact]
    public async Task The_API_reference_page_answers_in_Development()
    {
        var response = await fixture.Factory.CreateClient().GetAsync("/scalar");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_errors_answer_problem_details()
    {
        var anonymous = fixture.Factory.CreateClient();
        var admin = fixture.Factory.CreateAdminClient();
        var unknownPhone = Uri.EscapeDataString(TestSms.NewPhone());

        (HttpResponseMessage Response, HttpStatusCode Expected)[] answers =
        [
            (await anonymous.GetAsync("/admin/summary"), HttpStatusCode.Unauthorized),
            (await admin.GetAsync("/admin/outbound/%2B15550000000:SMnothing:reply"), HttpStatusCode.NotFound),
            (await admin.PostAsync("/admin/outbound/%2B15550000000:SMnothing:reply/resend", null), HttpStatusCode.NotFound),
            (await admin.GetAsync($"/admin/employees/{unknownPhone}"), HttpStatusCode.NotFound),
            (await admin.GetAsync("/admin/conversations/not-a-number"), HttpStatusCode.BadRequest),
            (await admin.GetAsync("/admin/outbound?state=sent"), HttpStatusCode.BadRequest),
            (await admin.PutAsync($"/admin/employees/{unknownPhone}", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest),
        ];

        Assert.All(answers, a =>
        {
            var route = $"{a.Response.RequestMessage!.Method} {a.Response.RequestMessage.RequestUri!.PathAndQuery}";
            Assert.True(a.Expected == a.Response.StatusCode, $"{route}: {a.Response.StatusCode}, expected {a.Expected}");
            Assert.True(a.Response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{route}: {a.Response.Content.Headers.ContentType}");
        });
    }
}
