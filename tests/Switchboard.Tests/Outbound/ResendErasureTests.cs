using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts;
using Switchboard.Grains.Outbound;
using Switchboard.Tests.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Outbound;

/// <summary>Erasing a message's text also erases the text of every copy an operator sent again.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ResendErasureTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Erasing_a_message_erases_its_resends_and_their_resends_and_erasing_again_changes_nothing()
    {
        var phone = TestSms.NewPhone();
        var id = OutboundId.For(phone, TestSms.NewSid(), "test");
        var original = fixture.Grains.GetGrain<IOutboundSmsGrain>(id);
        fixture.Outbox.ScriptFor(id, new SendResult(SendOutcome.Permanent, HttpStatus: 400, ErrorCode: "21211", Error: "Invalid 'To' Phone Number"));
        await original.Send(new OutboundSms(phone, "secret text", "test"));
        await Eventually.HoldsAsync(async () => (await original.GetView())!.Status == DeliveryStatus.Rejected, Timeout, "the refusal");

        var delivered = fixture.Grains.GetGrain<IOutboundSmsGrain>(Assert.IsType<string>(await original.Resend()));
        await Eventually.HoldsAsync(async () => (await delivered.GetView())!.Status != DeliveryStatus.Pending, Timeout, "the first resend");
        Assert.Null(await delivered.Resend()); // it went: a message that did not fail is never sent again

        fixture.Outbox.Script(new SendResult(SendOutcome.Permanent, HttpStatus: 400, ErrorCode: "21211", Error: "Invalid 'To' Phone Number"));
        var resendId = await original.Resend();
        var resend = fixture.Grains.GetGrain<IOutboundSmsGrain>(Assert.IsType<string>(resendId));
        await Eventually.HoldsAsync(async () => (await resend.GetView())!.Status == DeliveryStatus.Rejected, Timeout, "the second refusal");
        var again = fixture.Grains.GetGrain<IOutboundSmsGrain>(Assert.IsType<string>(await resend.Resend()));
        Assert.Equal([delivered.GetPrimaryKeyString(), resendId], (await original.GetView())!.ResentAs);
        Assert.Equal(id, (await resend.GetView())!.ResendOf);
        Assert.Equal("secret text", (await again.GetView())!.Body);

        await original.EraseBody();

        Assert.Equal("", (await original.GetView())!.Body);
        Assert.Equal("", (await resend.GetView())!.Body);
        Assert.Equal("", (await again.GetView())!.Body);
        Assert.Equal("", (await delivered.GetView())!.Body);
        Assert.Null(await original.Resend()); // nothing left to send

        await original.EraseBody();
        Assert.Equal("", (await resend.GetView())!.Body);
        Assert.Equal([delivered.GetPrimaryKeyString(), resendId], (await original.GetView())!.ResentAs);
    }
}

/// <summary>The same through the admin API on the real host (Azurite, Twilio SDK): resend, then erase the conversation.</summary>
[Collection(HttpCollection.Name)]
public sealed class ResendErasureHttpTests(HttpFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Erasing_a_conversation_also_erases_the_text_of_a_reply_sent_again()
    {
        var phone = TestSms.NewPhone();
        var sid = TestSms.NewSid();
        fixture.Twilio.ScriptFor(phone, FakeAnswer.TwilioError(400, 21211));
        var client = fixture.Factory.CreateClient();
        var admin = fixture.Factory.CreateAdminClient();
        var failedId = $"{phone}:{sid}:reply";
        await client.SendAsync(SwitchboardFactory.SignedSms(phone, "help", sid));
        await Eventually.HoldsAsync(
            async () => await admin.GetAsync($"/admin/outbound/{Uri.EscapeDataString(failedId)}") is { StatusCode: HttpStatusCode.OK } r
                && (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() == "Rejected",
            Timeout,
            "the refused reply");

        var resend = await admin.PostAsync($"/admin/outbound/{Uri.EscapeDataString(failedId)}/resend", null);
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        var resendId = (await resend.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await fixture.Twilio.WaitForAsync(phone, 1, Timeout);
        Assert.NotEqual("", await BodyAsync(admin, resendId));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/conversations/{Uri.EscapeDataString(phone)}")).StatusCode);
        Assert.Equal("", await BodyAsync(admin, failedId));
        Assert.Equal("", await BodyAsync(admin, resendId));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/conversations/{Uri.EscapeDataString(phone)}")).StatusCode);
        Assert.Equal("", await BodyAsync(admin, resendId));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/admin/outbound/{Uri.EscapeDataString(resendId)}/resend", null)).StatusCode);
    }

    private static async Task<string?> BodyAsync(HttpClient admin, string id) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/admin/outbound/{Uri.EscapeDataString(id)}")).GetProperty("body").GetString();
}
