using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Tests.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.WhatsApp;

/// <summary>
/// WhatsApp through the real host (Azurite, the Twilio SDK against the fake Twilio): Twilio posts WhatsApp messages to
/// the same webhook with "whatsapp:" addresses; the reply must go back on WhatsApp, from Twilio:WhatsAppFrom.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class WhatsAppWebhookTests(HttpFixture fixture)
{
    private const string SmsUrl = SwitchboardFactory.WebhookBaseUrl + "/twilio/sms";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _client = fixture.Factory.CreateClient();

    [Fact]
    public async Task A_WhatsApp_message_is_answered_on_WhatsApp_from_the_WhatsApp_sender_and_the_same_person_sees_it_by_SMS()
    {
        var phone = TestSms.NewPhone();

        var response = await PostSignedAsync(WhatsAppForm(phone, "log 2h on Apollo today"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(await fixture.Twilio.WaitForAsync("whatsapp:" + phone, 1, Timeout));
        Assert.Equal(SwitchboardFactory.WhatsAppFrom, reply.From);
        Assert.Contains("2h", reply.Body, StringComparison.Ordinal);
        Assert.Contains("Apollo", reply.Body, StringComparison.Ordinal);
        Assert.Null(reply.ContentSid); // inside the 24-hour window: the text itself
        Assert.Empty(fixture.Twilio.AcceptedTo(phone)); // nothing by SMS to a number they never texted

        // The same person by SMS: the same employee, timesheet and conversation; answered by SMS.
        var sms = await PostSignedAsync(SmsForm(phone, "check my timesheet"));

        Assert.Equal(HttpStatusCode.OK, sms.StatusCode);
        var status = Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));
        Assert.Equal(SwitchboardFactory.FromNumber, status.From);
        Assert.Contains("Apollo", status.Body, StringComparison.Ordinal);
        Assert.Contains("2h", status.Body, StringComparison.Ordinal);

        var conversation = await Admin().GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}");
        var channels = conversation.GetProperty("recentTurns").EnumerateArray().Select(t => t.GetProperty("turn").GetProperty("channel").GetString()).ToList();
        Assert.Equal(["WhatsApp", "Sms"], channels.Order(StringComparer.Ordinal).Reverse().ToList());
    }

    [Fact]
    public async Task A_WhatsApp_photo_without_text_gets_a_reply_saying_it_is_not_read()
    {
        var phone = TestSms.NewPhone();
        var form = WhatsAppForm(phone, "");
        form["NumMedia"] = "1";
        form["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1";
        form["MediaContentType0"] = "image/jpeg";

        var response = await PostSignedAsync(form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(await fixture.Twilio.WaitForAsync("whatsapp:" + phone, 1, Timeout));
        Assert.Contains("photos and files are not read", reply.Body, StringComparison.Ordinal);
        Assert.Equal(SwitchboardFactory.WhatsAppFrom, reply.From);
    }

    [Fact]
    public async Task A_quick_reply_button_press_is_read_as_its_text()
    {
        var phone = TestSms.NewPhone();
        var form = WhatsAppForm(phone, "");
        form["ButtonText"] = "check my timesheet";
        form["ButtonPayload"] = "status";

        var response = await PostSignedAsync(form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(await fixture.Twilio.WaitForAsync("whatsapp:" + phone, 1, Timeout));
        Assert.DoesNotContain(ComposerStep.UsageText, reply.Body, StringComparison.Ordinal); // not the "help" of an empty text
        Assert.Contains("week", reply.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_late_WhatsApp_reply_without_a_template_is_recorded_as_not_sent_and_never_attempted()
    {
        // A message that arrived 25 hours ago (a backlog, an outage): its reply falls outside WhatsApp's window.
        var phone = TestSms.NewPhone();
        var grains = fixture.Factory.Services.GetRequiredService<IGrainFactory>();
        var old = new InboundSms(TestSms.NewSid(), phone, SwitchboardFactory.WhatsAppFrom, "check my timesheet", DateTimeOffset.UtcNow.AddHours(-25))
        {
            Channel = MessageChannel.WhatsApp,
        };
        await grains.GetGrain<IConversationGrain>(phone).Accept(old);

        var admin = Admin();
        var outboundId = OutboundId.ForReply(phone, old.MessageSid);
        JsonElement outbound = default;
        await Eventually.HoldsAsync(
            async () =>
            {
                var answer = await admin.GetAsync($"/admin/outbound/{Uri.EscapeDataString(outboundId)}");
                if (answer.StatusCode != HttpStatusCode.OK)
                {
                    return false;
                }

                outbound = await answer.Content.ReadFromJsonAsync<JsonElement>();
                return outbound.GetProperty("status").GetString() != "Pending";
            },
            Timeout,
            "the late reply to settle");

        Assert.Equal("NotSent", outbound.GetProperty("status").GetString());
        Assert.Contains("24-hour window", outbound.GetProperty("notSentReason").GetString(), StringComparison.Ordinal);
        Assert.Empty(outbound.GetProperty("attempts").EnumerateArray());
        Assert.DoesNotContain(fixture.Twilio.Messages, m => m.To.EndsWith(phone, StringComparison.Ordinal));
        var conversation = await admin.GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}");
        var turn = Assert.Single(conversation.GetProperty("recentTurns").EnumerateArray());
        Assert.Equal("notSent", turn.GetProperty("deliveryState").GetString());
        Assert.Equal("WhatsApp", conversation.GetProperty("lastChannel").GetString());
        Assert.Equal(old.ReceivedAt, conversation.GetProperty("lastWhatsAppAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task STOP_on_WhatsApp_is_confirmed_by_us_and_then_nothing_is_sent_until_START()
    {
        // Twilio confirms STOP and START only for SMS: on WhatsApp the service's own opt-out is all there is.
        var phone = TestSms.NewPhone();
        var whatsApp = "whatsapp:" + phone;

        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync(WhatsAppForm(phone, "STOP"))).StatusCode);
        var confirmation = Assert.Single(await fixture.Twilio.WaitForAsync(whatsApp, 1, Timeout));
        Assert.Contains("unsubscribed", confirmation.Body, StringComparison.Ordinal);

        await PostSignedAsync(WhatsAppForm(phone, "check my timesheet"));
        await Eventually.HoldsAsync(
            async () => (await Admin().GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}"))
                .GetProperty("recentTurns").GetArrayLength() == 2,
            Timeout,
            "the message sent while opted out to be recorded");
        await PostSignedAsync(WhatsAppForm(phone, "START"));
        var messages = await fixture.Twilio.WaitForAsync(whatsApp, 2, Timeout);

        Assert.Equal(2, messages.Count); // the message sent while opted out got no answer
        Assert.Contains("subscribed again", messages[1].Body, StringComparison.Ordinal);

        // Operators (and the dev phone) see each confirmation as the answer to its keyword.
        var turns = (await Admin().GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}")).GetProperty("recentTurns");
        var stop = turns[0].GetProperty("turn");
        Assert.Contains("unsubscribed", stop.GetProperty("reply").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(":opt-out", stop.GetProperty("outboundId").GetString(), StringComparison.Ordinal);
        Assert.Contains("subscribed again", turns[2].GetProperty("turn").GetProperty("reply").GetString(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostSignedAsync(Dictionary<string, string> form) =>
        _client.SendAsync(TwilioSigner.SignedPost(SwitchboardFactory.AuthToken, SmsUrl, form));

    private HttpClient Admin()
    {
        var client = fixture.Factory.CreateAdminClient();
        return client;
    }

    /// <summary>What Twilio posts for a WhatsApp message (fields from Twilio's WhatsApp webhook).</summary>
    private static Dictionary<string, string> WhatsAppForm(string phone, string body) => new()
    {
        ["MessageSid"] = TestSms.NewSid(),
        ["SmsMessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
        ["AccountSid"] = "AC11111111111111111111111111111111",
        ["From"] = "whatsapp:" + phone,
        ["To"] = SwitchboardFactory.WhatsAppFrom,
        ["Body"] = body,
        ["NumMedia"] = "0",
        ["NumSegments"] = "1",
        ["WaId"] = phone.TrimStart('+'),
        ["ProfileName"] = "Alice",
        ["MessageType"] = "text",
        ["ApiVersion"] = "2010-04-01",
    };

    private static Dictionary<string, string> SmsForm(string phone, string body) => new()
    {
        ["MessageSid"] = TestSms.NewSid(),
        ["AccountSid"] = "AC11111111111111111111111111111111",
        ["From"] = phone,
        ["To"] = SwitchboardFactory.FromNumber,
        ["Body"] = body,
        ["NumMedia"] = "0",
    };
}
