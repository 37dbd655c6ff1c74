using System.Net;
using System.Net.Http.Json;
using Switchboard.Contracts;
using Switchboard.Tests.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Employees;

/// <summary>PUT/GET/DELETE /admin/employees/{phone} through the real host (Azurite storage).</summary>
[Collection(HttpCollection.Name)]
public sealed class EmployeesApiTests(HttpFixture fixture)
{
    private readonly HttpClient _client = AdminClient(fixture);

    private static HttpClient AdminClient(HttpFixture fixture)
    {
        var client = fixture.Factory.CreateAdminClient();
        return client;
    }

    private static string Url(string phone) => $"/admin/employees/{Uri.EscapeDataString(phone)}";

    [Fact]
    public async Task Registers_updates_reads_and_removes_an_employee()
    {
        var phone = TestSms.NewPhone();

        var created = await _client.PutAsJsonAsync(Url(phone), new { name = "Alice Smith", employeeId = "E100" });
        var updated = await _client.PutAsJsonAsync(Url(phone), new { name = "Alice Jones", employeeId = "E100", timeZone = "Europe/London" });
        var read = await _client.GetFromJsonAsync<Employee>(Url(phone));
        var deleted = await _client.DeleteAsync(Url(phone));
        var deletedAgain = await _client.DeleteAsync(Url(phone));
        var gone = await _client.GetAsync(Url(phone));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Australia/Sydney", (await created.Content.ReadFromJsonAsync<Employee>())!.TimeZone);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(new Employee(phone, "E100", "Alice Jones", "Europe/London"), read);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deletedAgain.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Theory]
    [InlineData("not-a-phone", "{\"name\":\"A\",\"employeeId\":\"E1\"}")]
    [InlineData("+15550100001", "{\"employeeId\":\"E1\"}")]
    [InlineData("+15550100001", "{\"name\":\"A\"}")]
    [InlineData("+15550100001", "{\"name\":\"A\",\"employeeId\":\"E1\",\"timeZone\":\"Mars/Olympus\"}")]
    public async Task Refuses_a_bad_number_missing_fields_or_an_unknown_time_zone(string phone, string json)
    {
        var response = await _client.PutAsync(Url(phone), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Needs_the_admin_key()
    {
        var anonymous = fixture.Factory.CreateClient();

        var response = await anonymous.PutAsJsonAsync(Url(TestSms.NewPhone()), new { name = "Mallory", employeeId = "E666" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_guest_registered_as_an_employee_keeps_the_hours_they_logged_as_a_guest()
    {
        var phone = TestSms.NewPhone();
        var sms = fixture.Factory.CreateClient();
        async Task<string> SayAsync(string text)
        {
            var before = fixture.Twilio.AcceptedTo(phone).Count;
            Assert.Equal(HttpStatusCode.OK, (await sms.SendAsync(SwitchboardFactory.SignedSms(phone, text))).StatusCode);
            return (await fixture.Twilio.WaitForAsync(phone, before + 1, TimeSpan.FromSeconds(30)))[before].Body;
        }

        var logged = await SayAsync("log 8h on Apollo today");
        var registered = await _client.PutAsJsonAsync(Url(phone), new { name = "Grace", employeeId = $"E200-{phone}" });
        var afterRegistering = await SayAsync("hours");
        var registeredAgain = await _client.PutAsJsonAsync(Url(phone), new { name = "Grace", employeeId = $"E200-{phone}" });
        var afterRegisteringAgain = await SayAsync("hours");

        Assert.Contains("Logged 8h on Apollo", logged, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, registeredAgain.StatusCode);
        Assert.Contains("Apollo 8h. Total: 8h.", afterRegistering, StringComparison.Ordinal);
        Assert.Contains("Apollo 8h. Total: 8h.", afterRegisteringAgain, StringComparison.Ordinal);
    }
}
