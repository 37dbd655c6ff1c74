using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>
/// No SMS pumping, on a Production host: only the countries served are answered, and numbers no operator registered
/// share a capped budget of replies that never holds back an employee.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class GuardTests(HttpFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Other_countries_get_nothing_unregistered_numbers_share_ten_replies_and_an_employee_is_still_answered()
    {
        await using var factory = new SwitchboardFactory(
            fixture.Azurite.ConnectionString,
            fixture.Twilio.BaseUrl,
            new Dictionary<string, string?>
            {
                ["Guard:AllowedCountries"] = "AU",
                ["Guard:UnregisteredReplies"] = "10",
                ["Employees:AutoEnroll"] = "false",
                ["Webhook:AckMode"] = "Durable",
            },
            "Production");
        var client = factory.CreateClient();
        var admin = factory.CreateAdminClient();
        var run = Random.Shared.Next(100, 999); // numbers of their own: the fake Twilio is shared by the collection
        var uk = $"+447700900{run}";
        string[] unknown = [.. Enumerable.Range(0, 30).Select(i => $"+6141{run}{i:D4}")];
        var employee = $"+6142{run}0001";

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SwitchboardFactory.SignedSms(uk, "log 8h on Apollo"))).StatusCode);
        foreach (var phone in unknown)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SwitchboardFactory.SignedSms(phone, "log 8h on Apollo"))).StatusCode);
        }

        await Eventually.HoldsAsync(
            async () => (await Task.WhenAll(unknown.Select(p => LastOutcomeAsync(admin, p)))).All(o => o is "Answered" or "Withheld"),
            Timeout,
            "every unregistered number's turn to end");
        Assert.Equal(10, unknown.Count(p => fixture.Twilio.AcceptedTo(p).Count > 0));
        Assert.Equal(20, (await Task.WhenAll(unknown.Select(p => LastOutcomeAsync(admin, p)))).Count(o => o == "Withheld"));

        Assert.Equal("NotServed", await LastOutcomeAsync(admin, uk));
        Assert.DoesNotContain(fixture.Twilio.Messages, m => m.To == uk);

        var registered = await admin.PutAsJsonAsync($"/admin/employees/{Uri.EscapeDataString(employee)}", new { name = "Ava Nguyen", employeeId = "E600", timeZone = "Australia/Sydney" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SwitchboardFactory.SignedSms(employee, "log 8h on Apollo"))).StatusCode);
        var reply = Assert.Single(await fixture.Twilio.WaitForAsync(employee, 1, Timeout));
        Assert.Contains("8", reply.Body);
    }

    private static async Task<string?> LastOutcomeAsync(HttpClient admin, string phone)
    {
        var view = await admin.GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}");
        var turns = view.GetProperty("recentTurns");
        return turns.GetArrayLength() == 0 ? null : turns[0].GetProperty("turn").GetProperty("outcome").GetString();
    }
}
