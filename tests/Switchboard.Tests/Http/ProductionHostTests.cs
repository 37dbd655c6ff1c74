using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>Outside Development: secrets are required and the dashboard asks for the admin key.</summary>
[Collection(HttpCollection.Name)]
public sealed class ProductionHostTests(HttpFixture fixture)
{
    [Fact]
    public void A_missing_auth_token_stops_the_host_at_start_with_a_clear_message()
    {
        using var factory = new SwitchboardFactory(
            fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl, new Dictionary<string, string?> { ["Twilio:AuthToken"] = null }, "Production");

        var error = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Twilio:AuthToken", error.Message);
    }

    [Fact]
    public void A_missing_privacy_hash_key_stops_the_host_at_start_with_a_clear_message()
    {
        using var factory = new SwitchboardFactory(
            fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl, new Dictionary<string, string?> { ["Privacy:HashKey"] = null }, "Production");

        var error = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Privacy:HashKey is required outside Development", error.Message);
    }

    [Fact]
    public void A_reminder_period_under_a_minute_stops_the_host_outside_Development()
    {
        using var factory = new SwitchboardFactory(
            fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl, new Dictionary<string, string?> { ["Conversation:ReminderPeriod"] = "00:00:05" }, "Production");

        var error = Assert.ThrowsAny<InvalidOperationException>(() => factory.CreateClient());

        Assert.Contains("Conversation:ReminderPeriod", error.Message);
    }

    [Fact]
    public async Task The_dashboard_needs_the_admin_key_as_basic_password()
    {
        await using var factory = new SwitchboardFactory(fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl, environment: "Production");
        var client = factory.CreateClient();

        var anonymous = await client.GetAsync("/dashboard/");
        var wrong = await client.SendAsync(Get("/dashboard/", "wrong-key"));
        var admitted = await client.SendAsync(Get("/dashboard/", SwitchboardFactory.AdminKey));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task The_dev_phone_does_not_exist_outside_Development()
    {
        await using var factory = new SwitchboardFactory(fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl, environment: "Production");
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dev/phone")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/dev/phone/send", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/scalar")).StatusCode); // the API reference page neither
    }

    private static HttpRequestMessage Get(string path, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"operator:{password}")));
        return request;
    }
}
