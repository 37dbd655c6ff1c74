using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>Outside Development: secrets are required, and the dashboard is off unless it has credentials of its own.</summary>
[Collection(HttpCollection.Name)]
public sealed class ProductionHostTests(HttpFixture fixture)
{
    private const string DashboardUser = "dashboard-operator";
    private const string DashboardPassword = "dashboard-password-0123456789";

    private static readonly Dictionary<string, string?> DashboardCredentials = new()
    {
        ["Dashboard:Username"] = DashboardUser,
        ["Dashboard:Password"] = DashboardPassword,
    };

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
    public async Task The_dashboard_opens_with_its_own_credentials_and_never_with_the_admin_key()
    {
        await using var factory = new SwitchboardFactory(fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl, DashboardCredentials, "Production");
        var client = factory.CreateClient();

        var anonymous = await client.GetAsync("/dashboard/");
        var adminKey = await client.SendAsync(Get("/dashboard/", DashboardUser, SwitchboardFactory.AdminKey));
        var wrongUser = await client.SendAsync(Get("/dashboard/", "someone-else", DashboardPassword));
        var admitted = await client.SendAsync(Get("/dashboard/", DashboardUser, DashboardPassword));
        var data = await client.SendAsync(Get("/dashboard/DashboardCounters", DashboardUser, DashboardPassword));

        foreach (var refused in new[] { anonymous, adminKey, wrongUser })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Basic realm=\"Switchboard dashboard\"", refused.Headers.WwwAuthenticate.Single().ToString());
        }

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, data.StatusCode);
        // What the dashboard shows (grain state included) is not kept by browsers or proxies.
        Assert.All(new[] { anonymous, admitted, data }, r => Assert.True(r.Headers.CacheControl?.NoStore, "Cache-Control: no-store"));
    }

    [Fact]
    public async Task Without_credentials_of_its_own_the_dashboard_is_off_even_for_the_admin_key()
    {
        await using var factory = new SwitchboardFactory(fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl, environment: "Production");
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Get("/dashboard/DashboardCounters", "operator", SwitchboardFactory.AdminKey))).StatusCode);
    }

    [Theory]
    [InlineData(DashboardUser, "fifteen-chars-x", "Dashboard:Password must have at least 16 characters")]
    [InlineData(null, DashboardPassword, "Dashboard:Username and Dashboard:Password are set together")]
    [InlineData(DashboardUser, null, "Dashboard:Username and Dashboard:Password are set together")]
    [InlineData(DashboardUser, SwitchboardFactory.AdminKey, "Dashboard:Password must not be Admin:ApiKey")]
    public void A_short_lone_or_admin_key_dashboard_password_stops_the_host_at_start_with_a_clear_message(string? username, string? password, string message)
    {
        using var factory = new SwitchboardFactory(
            fixture.Azurite.ConnectionString,
            fixture.Twilio.BaseUrl,
            new Dictionary<string, string?> { ["Dashboard:Username"] = username, ["Dashboard:Password"] = password },
            "Production");

        var error = Assert.ThrowsAny<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(message, error.Message);
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

    private static HttpRequestMessage Get(string path, string username, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));
        return request;
    }
}
