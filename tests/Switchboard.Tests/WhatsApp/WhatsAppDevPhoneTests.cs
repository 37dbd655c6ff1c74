using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Tests.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.WhatsApp;

[Collection(HttpCollection.Name)]
public sealed class WhatsAppDevPhoneTests(HttpFixture fixture)
{
    [Fact]
    public async Task The_dev_phone_texts_as_a_WhatsApp_user_and_the_reply_goes_back_on_WhatsApp()
    {
        var client = fixture.Factory.CreateClient();
        var phone = TestSms.NewPhone();

        var page = await (await client.GetAsync("/dev/phone")).Content.ReadAsStringAsync();
        var sent = await client.PostAsJsonAsync("/dev/phone/send", new { from = phone, body = "log 3h on Apollo today", channel = "WhatsApp" });

        Assert.Contains("value=\"WhatsApp\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var reply = Assert.Single(await fixture.Twilio.WaitForAsync("whatsapp:" + phone, 1, TimeSpan.FromSeconds(30)));
        Assert.Contains("3h", reply.Body, StringComparison.Ordinal);
        var view = await client.GetFromJsonAsync<JsonElement>($"/dev/phone/conversation?phone={Uri.EscapeDataString(phone)}");
        Assert.Equal("WhatsApp", view.GetProperty("lastChannel").GetString());
        Assert.Equal("WhatsApp", view.GetProperty("recentTurns")[0].GetProperty("channel").GetString());
    }
}
