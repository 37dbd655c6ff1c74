extern alias loadtool;

using loadtool::Switchboard.LoadTest;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.LoadTool;

/// <summary>
/// The load tool against the real host (a separate process on Azurite) with the tool's own fake Twilio: exact accounting
/// end to end, with redeliveries; and replies that never reach the tool are reported lost with a non-zero exit code.
/// </summary>
public sealed class LoadToolEndToEndTests : IAsyncLifetime
{
    private const string AuthToken = "loadtool-test-auth-token";
    private readonly AzuriteFixture _azurite = new();
    private readonly DirectoryInfo _reports = Directory.CreateTempSubdirectory("switchboard-loadtool-");

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _azurite.DisposeAsync();
        _reports.Delete(recursive: true);
    }

    [Fact]
    public async Task Thirty_senders_with_redeliveries_are_each_answered_once_in_order_and_the_run_passes()
    {
        var twilioPort = FreePorts.Next();
        await using var silo = await SiloProcess.StartAsync(Settings($"http://127.0.0.1:{twilioPort}"));

        var result = await LoadTestApp.ExecuteAsync(
            Options(silo.BaseUrl, twilioPort) with { Senders = 30, Messages = 3, Redeliver = 0.1, ReplyTimeout = TimeSpan.FromSeconds(40) },
            CancellationToken.None);

        var a = result.Accounting;
        Assert.True(result.ExitCode == LoadTestApp.Ok, $"exit {result.ExitCode}: {string.Join("; ", result.Checks.Where(c => !c.Passed).Select(c => c.Detail))}\n{silo.Output}");
        Assert.Equal((90L, 90L, 9L, 9L), (a.Sent, a.Acked, a.Redelivered, a.RedeliveriesAcked));
        Assert.Equal((90L, 0L, 0L, 0L, 0L), (a.Replies, a.Lost, a.Duplicates, a.OutOfOrder, a.Unmatched));
        Assert.Equal(99, result.Requests);
        Assert.Equal(90, result.ReplyLatencyMs!.Count);
        Assert.Equal(99, result.StatusCodes[200]);
        Assert.All(["report.json", "report.md", "report.html"], f => Assert.True(File.Exists(Path.Combine(_reports.FullName, f)), f));
        Assert.Contains("<svg ", await File.ReadAllTextAsync(Path.Combine(_reports.FullName, "report.html")));

        // The host of its own process: operators see the webhook's request durations beside our meter.
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"{silo.BaseUrl}/metrics");
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("switchboard_turns_answered", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replies_that_never_reach_the_tool_are_reported_lost_and_the_exit_code_says_so()
    {
        // The host sends its replies to a port nobody listens on; the tool's fake Twilio waits on another one.
        await using var silo = await SiloProcess.StartAsync(Settings($"http://127.0.0.1:{FreePorts.Next()}"));

        var result = await LoadTestApp.ExecuteAsync(
            Options(silo.BaseUrl, FreePorts.Next()) with { Senders = 5, Messages = 2, ReplyTimeout = TimeSpan.FromSeconds(6) },
            CancellationToken.None);

        Assert.Equal(LoadTestApp.RepliesMissing, result.ExitCode);
        Assert.Equal((10L, 10L, 0L, 10L), (result.Accounting.Sent, result.Accounting.Acked, result.Accounting.Replies, result.Accounting.Lost));
        Assert.Equal(10, result.LostSamples.Count);
        Assert.Contains(result.Checks, c => c is { Name: "no message lost", Passed: false });
    }

    private LoadOptions Options(string url, int twilioPort) => new()
    {
        Url = new Uri(url),
        AuthToken = AuthToken,
        Concurrency = 8,
        ExpectReplies = true,
        TwilioFakePort = twilioPort,
        ReportDirectory = _reports,
    };

    private Dictionary<string, string> Settings(string twilioApiBaseUrl)
    {
        var settings = SiloProcess.Settings(_azurite.ConnectionString, twilioApiBaseUrl, AuthToken, "loadtool-test-admin-key-0123456789", "loadtool-test");
        settings["Webhook:AckMode"] = "OneWay";
        settings["Agents:StepDelayMs"] = "0";
        settings["Logging:LogLevel:Default"] = "Warning";
        return settings;
    }
}
