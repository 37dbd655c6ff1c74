using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

[Collection(HttpCollection.Name)]
public sealed class DevPhoneTests(HttpFixture fixture)
{
    [Fact]
    public async Task In_Development_the_dev_phone_texts_the_service_and_shows_the_reply()
    {
        var client = fixture.Factory.CreateClient();
        var phone = TestSms.NewPhone();

        var page = await client.GetAsync("/dev/phone");
        var sent = await client.PostAsJsonAsync("/dev/phone/send", new { from = phone, body = "log 8h on Apollo today" });

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<form id=\"compose\">", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        JsonElement turns = default;
        await Eventually.HoldsAsync(
            async () => (turns = (await client.GetFromJsonAsync<JsonElement>($"/dev/phone/conversation?phone={Uri.EscapeDataString(phone)}")).GetProperty("recentTurns")).GetArrayLength() == 1,
            TimeSpan.FromSeconds(30),
            "the reply on the dev phone");
        Assert.Contains("8h", turns[0].GetProperty("reply").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dev_phone_refuses_a_message_without_a_valid_number()
    {
        var response = await fixture.Factory.CreateClient().PostAsJsonAsync("/dev/phone/send", new { from = "nobody", body = "hi" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
