using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>What operators do when a reply went wrong, or a person asks to be forgotten: real host, Azurite, Twilio SDK.</summary>
[Collection(HttpCollection.Name)]
public sealed class OperatorsTests(HttpFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _client = fixture.Factory.CreateClient();

    [Fact]
    public async Task A_reply_Twilio_refused_shows_in_the_conversation_is_listed_as_failed_and_can_be_sent_again()
    {
        var phone = TestSms.NewPhone();
        var sid = TestSms.NewSid();
        fixture.Twilio.ScriptFor(phone, FakeAnswer.TwilioError(400, 21211));
        var admin = Admin();

        await _client.SendAsync(SwitchboardFactory.SignedSms(phone, "help", sid));
        var failedId = $"{phone}:{sid}:reply";
        JsonElement turn = default;
        await Eventually.HoldsAsync(
            async () => (turn = await TurnAsync(admin, phone)).ValueKind == JsonValueKind.Object && turn.GetProperty("deliveryState").GetString() == "rejected",
            Timeout,
            "the refused reply to show in the conversation");
        JsonElement failed = default;
        await Eventually.HoldsAsync(
            async () => (failed = await admin.GetFromJsonAsync<JsonElement>("/admin/outbound?state=failed&take=500"))
                .GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetString() == failedId),
            Timeout,
            "the refused reply to be indexed (just after its record is written)");

        Assert.Equal("21211", turn.GetProperty("errorCode").GetString());
        Assert.Equal(1, turn.GetProperty("attempts").GetInt32());
        var listed = Assert.Single(failed.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == failedId);
        Assert.Equal("21211", listed.GetProperty("errorCode").GetString());

        // The number is fixed (the fake no longer refuses it): the operator sends the reply again.
        var resend = await admin.PostAsync($"/admin/outbound/{Uri.EscapeDataString(failedId)}/resend", null);
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        var resendId = (await resend.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var delivered = Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));
        Assert.Contains("log", delivered.Body, StringComparison.OrdinalIgnoreCase);
        await Eventually.HoldsAsync(
            async () => (await admin.GetFromJsonAsync<JsonElement>($"/admin/outbound/{Uri.EscapeDataString(resendId)}")).GetProperty("status").GetString() == "Accepted",
            Timeout,
            "the resent message to be accepted");
        var record = await admin.GetFromJsonAsync<JsonElement>($"/admin/outbound/{Uri.EscapeDataString(resendId)}");
        Assert.Equal(failedId, record.GetProperty("resendOf").GetString());
    }

    [Fact]
    public async Task A_resend_to_a_number_that_opted_out_is_not_sent()
    {
        var phone = TestSms.NewPhone();
        var sid = TestSms.NewSid();
        fixture.Twilio.ScriptFor(phone, FakeAnswer.TwilioError(400, 21211));
        var admin = Admin();
        await _client.SendAsync(SwitchboardFactory.SignedSms(phone, "help", sid));
        await Eventually.HoldsAsync(async () => (await TurnAsync(admin, phone)) is { ValueKind: JsonValueKind.Object } t && t.GetProperty("deliveryState").GetString() == "rejected", Timeout, "the refusal");
        await _client.SendAsync(SwitchboardFactory.SignedSms(phone, "STOP"));

        var resend = await admin.PostAsync($"/admin/outbound/{Uri.EscapeDataString($"{phone}:{sid}:reply")}/resend", null);
        var resendId = (await resend.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await Eventually.HoldsAsync(
            async () => (await admin.GetFromJsonAsync<JsonElement>($"/admin/outbound/{Uri.EscapeDataString(resendId)}")).GetProperty("status").GetString() == "Suppressed",
            Timeout,
            "the resend to be suppressed");
        Assert.Empty(fixture.Twilio.AcceptedTo(phone));
    }

    [Fact]
    public async Task Erasing_a_conversation_deletes_its_messages_turns_and_reply_texts()
    {
        var phone = TestSms.NewPhone();
        var sid = TestSms.NewSid();
        var admin = Admin();
        await _client.SendAsync(SwitchboardFactory.SignedSms(phone, "check my timesheet", sid));
        await fixture.Twilio.WaitForAsync(phone, 1, Timeout);
        await Eventually.HoldsAsync(async () => (await TurnAsync(admin, phone)).ValueKind == JsonValueKind.Object, Timeout, "the turn record");

        var unauthorized = await _client.DeleteAsync($"/admin/conversations/{Uri.EscapeDataString(phone)}");
        var erased = await admin.DeleteAsync($"/admin/conversations/{Uri.EscapeDataString(phone)}");

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        var view = await admin.GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}");
        Assert.Equal(0, view.GetProperty("recentTurns").GetArrayLength());
        Assert.Equal(0, view.GetProperty("pending").GetArrayLength());
        var reply = await admin.GetFromJsonAsync<JsonElement>($"/admin/outbound/{Uri.EscapeDataString($"{phone}:{sid}:reply")}");
        Assert.Equal("", reply.GetProperty("body").GetString());
        Assert.Equal("Accepted", reply.GetProperty("status").GetString()); // the delivery facts stay
        var resend = await admin.PostAsync($"/admin/outbound/{Uri.EscapeDataString($"{phone}:{sid}:reply")}/resend", null);
        Assert.Equal(HttpStatusCode.Conflict, resend.StatusCode); // nothing left to send
        Assert.Equal("application/problem+json", resend.Content.Headers.ContentType?.MediaType);

        // A redelivery of the erased message is still recognised: no second reply.
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(SwitchboardFactory.SignedSms(phone, "check my timesheet", sid))).StatusCode);
        await Task.Delay(1000);
        Assert.Single(fixture.Twilio.AcceptedTo(phone));
    }

    [Fact]
    public async Task Metrics_carry_the_runtime_meter()
    {
        var metrics = await _client.GetStringAsync("/metrics");

        Assert.Contains("dotnet_gc_", metrics, StringComparison.Ordinal);
        Assert.Contains("dotnet_thread_pool_", metrics, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> TurnAsync(HttpClient admin, string phone)
    {
        var view = await admin.GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}");
        var turns = view.GetProperty("recentTurns");
        return turns.GetArrayLength() > 0 ? turns[turns.GetArrayLength() - 1] : default;
    }

    private HttpClient Admin()
    {
        var client = fixture.Factory.CreateAdminClient();
        return client;
    }
}
