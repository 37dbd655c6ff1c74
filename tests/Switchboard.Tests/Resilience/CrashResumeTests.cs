using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Resilience;

/// <summary>
/// Guarantee 4: a turn survives a silo crash at any step. The host is a real process on Azurite; it is killed with
/// SIGKILL in the middle of a turn and a new one started on the same storage.
/// </summary>
public sealed class CrashResumeTests : IAsyncLifetime
{
    private const string AuthToken = "crash-test-auth-token";
    private const string AdminKey = "crash-test-admin-key-0123456789";
    private readonly AzuriteFixture _azurite = new();
    private readonly FakeTwilioServer _twilio = new();

    public Task InitializeAsync() => Task.WhenAll(_azurite.InitializeAsync(), _twilio.InitializeAsync());

    public async Task DisposeAsync()
    {
        await _twilio.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task A_turn_interrupted_by_SIGKILL_resumes_after_restart_and_is_answered_exactly_once()
    {
        var phone = TestSms.NewPhone();
        var sid = TestSms.NewSid();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:AzureStorage"] = _azurite.ConnectionString,
            ["Twilio:AccountSid"] = "AC22222222222222222222222222222222",
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:FromNumber"] = "+15005550006",
            ["Twilio:ApiBaseUrl"] = _twilio.BaseUrl,
            ["Twilio:Enabled"] = "true",
            ["Admin:ApiKey"] = AdminKey,
            ["Webhook:AckMode"] = "Durable",
            ["Agents:StepDelayMs"] = "1500",
            ["Conversation:ReminderPeriod"] = "00:00:03",
            ["Outbound:ReminderPeriod"] = "00:00:03",
            ["Orleans:ClusterId"] = "crash-test",
        };

        string firstUrl;
        await using (var first = await SiloProcess.StartAsync(settings))
        {
            firstUrl = first.BaseUrl;
            var ack = await PostSms(first.BaseUrl, phone, sid, "help");
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            await Eventually.HoldsAsync(
                async () => (await Conversation(first.BaseUrl, phone)).GetProperty("currentTurn") is { ValueKind: JsonValueKind.Object } turn
                    && turn.GetProperty("stepIndex").GetInt32() >= 2,
                TimeSpan.FromSeconds(30),
                "the turn to persist two steps");
            await first.KillAsync();
        }

        Assert.Empty(_twilio.Messages);

        await using var second = await SiloProcess.StartAsync(settings);
        var reply = Assert.Single(await _twilio.WaitForAsync(phone, 1, TimeSpan.FromSeconds(60)));
        Assert.Contains("log", reply.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Resuming turn", second.Output);
        // No Twilio:WebhookBaseUrl: the status callback is the URL the message came in on.
        Assert.StartsWith($"{firstUrl}/twilio/status?id=", reply.StatusCallback);

        await Eventually.HoldsAsync(
            async () => (await Conversation(second.BaseUrl, phone)).GetProperty("recentTurns").GetArrayLength() == 1,
            TimeSpan.FromSeconds(30),
            "the turn record");
        var turn = (await Conversation(second.BaseUrl, phone)).GetProperty("recentTurns")[0];
        Assert.Equal(sid, turn.GetProperty("turn").GetProperty("messageSid").GetString());
        Assert.Equal("Answered", turn.GetProperty("turn").GetProperty("outcome").GetString());
        Assert.Equal(5, turn.GetProperty("turn").GetProperty("steps").GetArrayLength());

        // Twilio redelivers the message after the restart: still one reply.
        Assert.Equal(HttpStatusCode.OK, (await PostSms(second.BaseUrl, phone, sid, "help")).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Single(_twilio.Messages, m => m.To == phone);
    }

    private static async Task<HttpResponseMessage> PostSms(string baseUrl, string phone, string sid, string body)
    {
        using var http = new HttpClient();
        var form = new Dictionary<string, string> { ["MessageSid"] = sid, ["From"] = phone, ["To"] = "+15005550006", ["Body"] = body };
        return await http.SendAsync(TwilioSigner.SignedPost(AuthToken, $"{baseUrl}/twilio/sms", form));
    }

    private static async Task<JsonElement> Conversation(string baseUrl, string phone)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return await http.GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}");
    }
}
