extern alias loadtool;

using System.Text.Json;
using loadtool::Switchboard.LoadTest;
using Microsoft.Extensions.Time.Testing;

namespace Switchboard.Tests.LoadTool;

/// <summary>The load tool's fake Twilio lists what it accepted, as the service's reconciliation asks for it.</summary>
public sealed class FakeTwilioListTests
{
    private const string Messages = "/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json";

    [Fact]
    public async Task GET_Messages_json_lists_the_messages_accepted_for_one_recipient()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 4, 10, 20, 30, TimeSpan.Zero));
        await using var fake = new FakeTwilioServer(0, new MessageLedger(), clock);
        await fake.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(fake.BaseUrl) };
        var sid = await SendAsync(http, "+15550100001", "hello");
        await SendAsync(http, "+15550100002", "not this one");

        using var listed = JsonDocument.Parse(await http.GetStringAsync($"{Messages}?To=%2B15550100001&From=%2B15005550006&DateSent%3E=2026-03-04"));
        using var tomorrow = JsonDocument.Parse(await http.GetStringAsync($"{Messages}?To=%2B15550100001&DateSent%3E=2026-03-05"));

        var message = Assert.Single(listed.RootElement.GetProperty("messages").EnumerateArray());
        Assert.Equal((sid, "+15550100001", "+15005550006", "hello", "Wed, 04 Mar 2026 10:20:30 +0000"), (
            message.GetProperty("sid").GetString(), message.GetProperty("to").GetString(), message.GetProperty("from").GetString(),
            message.GetProperty("body").GetString(), message.GetProperty("date_created").GetString()));
        Assert.Empty(tomorrow.RootElement.GetProperty("messages").EnumerateArray());
    }

    private static async Task<string> SendAsync(HttpClient http, string to, string body)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["To"] = to, ["From"] = "+15005550006", ["Body"] = body });
        using var answer = await http.PostAsync(Messages, form);
        using var created = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        return created.RootElement.GetProperty("sid").GetString()!;
    }
}
