using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Guarantee 7 with real processes on Azurite: two silos on Azure Table membership and a stand-alone front end (an
/// Orleans client, no grain code). One silo is killed with SIGKILL while senders keep texting; its conversations
/// continue on the survivor once membership declares it dead (~10-15 s), and in Durable mode every message the front
/// end acknowledged with 200 gets exactly one reply. 503s during the failover are delivered again, as Twilio would.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string AuthToken = "cluster-test-auth-token";
    private const string AdminKey = "cluster-test-admin-key-0123456789";
    private readonly AzuriteFixture _azurite = new();
    private readonly FakeTwilioServer _twilio = new();

    public Task InitializeAsync() => Task.WhenAll(_azurite.InitializeAsync(), _twilio.InitializeAsync());

    public async Task DisposeAsync()
    {
        await _twilio.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task After_a_silo_is_killed_every_message_the_front_end_acknowledged_is_answered_exactly_once()
    {
        var clock = Stopwatch.StartNew();
        var settings = Settings();
        var started = await Task.WhenAll(SiloProcess.StartAsync(settings), SiloProcess.StartAsync(settings));
        await using var doomed = started[0];
        await using var survivor = started[1];
        await using var front = await SiloProcess.StartAsync(settings, "Frontend");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: 2 silos and the front end healthy");

        // The dashboard of either silo, and the front end's, shows the whole cluster.
        using (var http = new HttpClient())
        {
            foreach (var host in new[] { survivor.BaseUrl, front.BaseUrl })
            {
                var counters = await http.GetFromJsonAsync<JsonElement>($"{host}/dashboard/DashboardCounters");
                Assert.Equal(2, counters.GetProperty("hosts").EnumerateArray().Count(h => h.GetProperty("status").GetString() == "Active"));
            }
        }

        // Before the kill: every sender has an active conversation somewhere in the cluster, answered through the front end.
        var senders = Enumerable.Range(0, 6).Select(_ => TestSms.NewPhone()).ToList();
        var acknowledged = senders.ToDictionary(p => p, _ => new List<string>());
        var refused = new ConcurrentBag<HttpStatusCode>();
        await Task.WhenAll(senders.Select(phone => SendUntilAcknowledged(front.BaseUrl, phone, "help", acknowledged[phone], refused)));
        using (var admin = new HttpClient { BaseAddress = new Uri(front.BaseUrl) })
        {
            admin.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
            foreach (var phone in senders)
            {
                await _twilio.WaitForAsync(phone, 1, TimeSpan.FromSeconds(30));
                // Killed between Twilio's acceptance and the outbound grain writing it down, a reply is sent again: the
                // documented duplicate window (flagged possibleDuplicate), not what this test is about.
                var outbound = $"/admin/outbound/{Uri.EscapeDataString($"{phone}:{acknowledged[phone][0]}:reply")}";
                await Eventually.HoldsAsync(
                    async () => await admin.GetAsync(outbound) is { IsSuccessStatusCode: true } response
                        && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() == "Accepted",
                    TimeSpan.FromSeconds(30),
                    "the first reply's acceptance to be recorded");
            }
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: first replies in; killing silo pid {doomed.Id}");
        await doomed.KillAsync();

        // During and after the failover: each sender texts on, one message at a time, redelivering refused ones.
        await Task.WhenAll(senders.Select(async phone =>
        {
            for (var i = 0; i < 4; i++)
            {
                await SendUntilAcknowledged(front.BaseUrl, phone, i % 2 == 0 ? "log 1h on Apollo today" : "check my timesheet", acknowledged[phone], refused);
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }));
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: all acknowledged; refused on the way: {refused.Count} ({string.Join(", ", refused.GroupBy(s => s).Select(g => $"{(int)g.Key} x{g.Count()}"))})");
        Assert.All(refused, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));

        foreach (var phone in senders)
        {
            try
            {
                await _twilio.WaitForAsync(phone, acknowledged[phone].Count, TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                // Say where the missing reply is: the conversation as the cluster sees it, and what Twilio got.
                using var admin = new HttpClient { BaseAddress = new Uri(front.BaseUrl) };
                admin.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
                var view = await admin.GetStringAsync($"/admin/conversations/{Uri.EscapeDataString(phone)}");
                var answered = string.Join(", ", _twilio.AcceptedTo(phone).Select(m => m.AnsweredMessageSid));
                Assert.Fail($"{phone}: acknowledged {string.Join(", ", acknowledged[phone])}; answered {answered}.\nConversation: {view}\nSurvivor log tail:\n{Tail(survivor.Output)}");
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(3)); // a duplicate, if any, would follow at once
        foreach (var phone in senders)
        {
            // Exactly once each, and in the order the sender's messages were acknowledged.
            Assert.Equal(acknowledged[phone], [.. _twilio.AcceptedTo(phone).Select(m => m.AnsweredMessageSid)]);
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: {acknowledged.Values.Sum(l => l.Count)} messages answered exactly once");
    }

    /// <summary>Posts until the front end answers 200, the same MessageSid each time, as Twilio redelivers a 5xx.</summary>
    private static async Task SendUntilAcknowledged(string baseUrl, string phone, string body, List<string> acknowledged, ConcurrentBag<HttpStatusCode> refused)
    {
        var sid = TestSms.NewSid();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) }; // Twilio's read timeout
        while (true)
        {
            var form = new Dictionary<string, string> { ["MessageSid"] = sid, ["From"] = phone, ["To"] = "+15005550006", ["Body"] = body };
            using var response = await http.SendAsync(TwilioSigner.SignedPost(AuthToken, $"{baseUrl}/twilio/sms", form));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                acknowledged.Add(sid);
                return;
            }

            refused.Add(response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, $"{sid} still refused ({(int)response.StatusCode}) after 60 s");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    private static string Tail(string log) => string.Join('\n', log.Split('\n').TakeLast(60));


    private Dictionary<string, string> Settings()
    {
        var settings = SiloProcess.Settings(_azurite.ConnectionString, _twilio.BaseUrl, AuthToken, AdminKey, $"cluster-test-{Guid.NewGuid():N}");
        settings["Orleans:Clustering"] = "AzureStorage";
        settings["Orleans:ServiceId"] = "cluster-test";
        settings["Agents:StepDelayMs"] = "200";
        settings["Conversation:ReminderPeriod"] = "00:00:03";
        settings["Outbound:ReminderPeriod"] = "00:00:03";
        return settings;
    }
}
