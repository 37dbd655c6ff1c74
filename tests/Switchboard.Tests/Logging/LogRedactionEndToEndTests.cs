using System.Net;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Logging;

/// <summary>
/// The real host as a process, its whole console output captured: a conversation, a storage outage while messages
/// arrive, status callbacks and admin calls that fail, a burst of load. No sender's number may appear in clear
/// anywhere in what Orleans, ASP.NET Core and Switchboard logged.
/// </summary>
public sealed class LogRedactionEndToEndTests : IAsyncLifetime
{
    private const string AuthToken = "redaction-test-auth-token";
    private const string AdminKey = "redaction-test-admin-key-0123456789";
    private static readonly string[] Talkers = ["+447700900123", "+61400111222", "+15550107777"];
    private static readonly string[] LoadSenders = [.. Enumerable.Range(1, 20).Select(i => $"+614123456{i:D2}")];
    private const string NewDuringOutage = "+61400333444";
    private const string UnknownOutboundPhone = "+61400555666";
    private const string AdminLookedUp = "+61400777888";
    private const string WhatsAppSender = "whatsapp:+14155238886";

    private readonly AzuriteFixture _azurite = new();
    private readonly FakeTwilioServer _twilio = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public Task InitializeAsync() => Task.WhenAll(_azurite.InitializeAsync(), _twilio.InitializeAsync());

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _twilio.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task No_sender_number_appears_in_clear_in_the_host_log()
    {
        // Durable: awaited hand-offs reach grain storage during the outage; the storage watch must not shield it.
        var settings = SiloProcess.Settings(_azurite.ConnectionString, _twilio.BaseUrl, AuthToken, AdminKey, "redaction-test");
        settings["Webhook:StorageCheckPeriod"] = "00:10:00";
        // Development levels (Orleans: Warning, default Information) plus ASP.NET Core's request lines, which carry
        // URL-encoded numbers in paths and query strings.
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Information";
        await using var silo = await SiloProcess.StartAsync(settings);
        var url = silo.BaseUrl;

        // A conversation: three senders, three turns each, every one answered (guests enrolled on the way).
        foreach (var (body, turn) in new[] { "help", "log 8h on Apollo today", "status" }.Select((b, i) => (b, i + 1)))
        {
            await Task.WhenAll(Talkers.Select(async phone =>
            {
                Assert.Equal(HttpStatusCode.OK, (await PostSmsAsync(url, phone, body)).StatusCode);
                await _twilio.WaitForAsync(phone, turn, TimeSpan.FromSeconds(20));
            }));
        }

        Assert.Equal(HttpStatusCode.OK, (await PostStatusAsync(url, $"{UnknownOutboundPhone}:{TestSms.NewSid()}:reply")).StatusCode);
        await PostSmsAsync(url, WhatsAppSender, "help");

        // Storage outage while messages keep arriving: Orleans logs failed writes and activations with grain ids.
        await _azurite.StopAsync();
        Task<HttpResponseMessage>[] duringOutage =
        [
            .. Talkers.Select(phone => PostSmsAsync(url, phone, "status")),
            PostSmsAsync(url, NewDuringOutage, "help"),
            PostStatusAsync(url, $"{UnknownOutboundPhone}:{TestSms.NewSid()}:reply"),
            AdminAsync(url, $"/admin/conversations/{Uri.EscapeDataString(AdminLookedUp)}"),
            AdminAsync(url, $"/admin/outbound/{Uri.EscapeDataString($"{AdminLookedUp}:{TestSms.NewSid()}:reply")}"),
            _http.GetAsync($"{url}/health"),
        ];
        var refused = await Task.WhenAll(duringOutage.Select(Outcome));
        Assert.Contains(refused, status => status is >= 500 or 0);
        await _azurite.RestartAsync();
        await Eventually.HoldsAsync(async () => await Outcome(_http.GetAsync($"{url}/health")) == 200, TimeSpan.FromSeconds(30), "storage to be back");

        // A burst: 100 messages from 20 senders at once.
        var burst = await Task.WhenAll(LoadSenders.SelectMany(phone => Enumerable.Range(0, 5).Select(_ => Outcome(PostSmsAsync(url, phone, "status")))));
        Assert.Contains(200, burst);
        await Eventually.HoldsAsync(() => LoadSenders.All(p => _twilio.AcceptedTo(p).Count > 0), TimeSpan.FromSeconds(20), "every load sender to be answered");
        await Task.Delay(TimeSpan.FromSeconds(1)); // the console logger writes on its own thread

        var log = silo.Output;
        // The risky lines were written (else there is nothing to check)...
        // Orleans, storage; the row key's hash of the number is masked too, else it would give the hidden digits away.
        Assert.Matches(@"Error Writing: GrainType=conversation_\*{8} GrainId=conversation/\+\d{4}\*\*\*\d{4}", log);
        Assert.Contains("of outbound message +6140***5666:SM", log, StringComparison.Ordinal); // the status callback storage could not record
        Assert.Contains("/twilio/status?id=%2B6140***5666%3ASM", log, StringComparison.Ordinal); // the status callback's request line, URL-encoded
        Assert.Contains("/admin/conversations/+6140***7888", log, StringComparison.Ordinal); // the admin call's request line
        // ...and no number is in clear, with or without its "+", URL-encoded or not.
        string[] numbers = [.. Talkers, .. LoadSenders, NewDuringOutage, UnknownOutboundPhone, AdminLookedUp, WhatsAppSender[9..]];
        var leaked = numbers.Select(n => n.TrimStart('+')).Where(digits => log.Contains(digits, StringComparison.Ordinal)).ToList();
        Assert.True(leaked.Count == 0, $"Numbers in clear in the log: {string.Join(", ", leaked)}\n{Lines(log, leaked)}");
    }

    private async Task<HttpResponseMessage> PostSmsAsync(string url, string phone, string body)
    {
        var form = new Dictionary<string, string> { ["MessageSid"] = TestSms.NewSid(), ["From"] = phone, ["To"] = "+15005550006", ["Body"] = body };
        return await _http.SendAsync(TwilioSigner.SignedPost(AuthToken, $"{url}/twilio/sms", form));
    }

    private async Task<HttpResponseMessage> PostStatusAsync(string url, string outboundId)
    {
        var form = new Dictionary<string, string> { ["MessageSid"] = $"SM{Guid.NewGuid():N}", ["MessageStatus"] = "delivered" };
        return await _http.SendAsync(TwilioSigner.SignedPost(AuthToken, $"{url}/twilio/status?id={Uri.EscapeDataString(outboundId)}", form));
    }

    private async Task<HttpResponseMessage> AdminAsync(string url, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{url}{path}");
        request.Headers.Add("X-Api-Key", AdminKey);
        return await _http.SendAsync(request);
    }

    /// <summary>The status code, or 0 when the call did not answer in time.</summary>
    private static async Task<int> Outcome(Task call)
    {
        try
        {
            await call;
            return call is Task<HttpResponseMessage> response ? (int)response.Result.StatusCode : 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    private static async Task<int> Outcome(Task<HttpResponseMessage> call) => await Outcome((Task)call);

    private static string Lines(string log, List<string> leaked) =>
        string.Join("\n", log.Split('\n').Where(line => leaked.Any(n => line.Contains(n, StringComparison.Ordinal))).Take(20));
}
