using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>
/// Guarantee 1 in Durable mode: the acknowledgement waits for the inbox write, never for the agents. With 3 s steps
/// (a 15 s turn), a second message from the same sender is acknowledged while the first turn is still running.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class DurableAckTests(HttpFixture fixture)
{
    [Fact]
    public async Task A_message_sent_during_a_slow_turn_is_acknowledged_before_that_turn_ends()
    {
        await using var factory = new SwitchboardFactory(
            fixture.Azurite.ConnectionString,
            fixture.Twilio.BaseUrl,
            new Dictionary<string, string?> { ["Webhook:AckMode"] = "Durable", ["Agents:StepDelayMs"] = "3000" });
        var client = factory.CreateClient();
        var admin = factory.CreateAdminClient();
        var phone = TestSms.NewPhone();
        var path = $"/admin/conversations/{Uri.EscapeDataString(phone)}";

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(SwitchboardFactory.SignedSms(phone, "log 8h on Apollo today"))).StatusCode);
        await Eventually.HoldsAsync(
            async () => (await admin.GetFromJsonAsync<JsonElement>(path)).GetProperty("currentTurn").ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(10),
            "the first turn to start");
        var second = await client.SendAsync(SwitchboardFactory.SignedSms(phone, "check my timesheet"));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var conversation = await admin.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal(2, conversation.GetProperty("pending").GetArrayLength());
        Assert.Equal(0, conversation.GetProperty("recentTurns").GetArrayLength());
        Assert.DoesNotContain(fixture.Twilio.Messages, m => m.To == phone);
    }
}
