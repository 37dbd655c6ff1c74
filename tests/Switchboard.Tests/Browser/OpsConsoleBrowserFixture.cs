using Microsoft.Playwright;
using Switchboard.Tests.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Browser;

/// <summary>
/// The real host served by Kestrel (a browser needs a real port) on Azurite, replying through the Twilio SDK to a
/// <see cref="FakeTwilioServer"/>, tracing to a <see cref="FakeOtlpReceiver"/> (so turns carry trace ids), with a
/// trace link template; and Chromium driven by Playwright.
/// </summary>
public sealed class OpsConsoleBrowserFixture : IAsyncLifetime
{
    public const string TraceUrl = "https://traces.example.test/trace/{traceId}";

    private readonly AzuriteFixture _azurite = new();
    private readonly FakeOtlpReceiver _otlp = new();
    private SwitchboardFactory? _factory;
    private IPlaywright? _playwright;

    public FakeTwilioServer Twilio { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_azurite.InitializeAsync(), Twilio.InitializeAsync(), _otlp.InitializeAsync());
        _factory = new SwitchboardFactory(_azurite.ConnectionString, Twilio.BaseUrl, new Dictionary<string, string?>
        {
            ["Ops:TraceUrl"] = TraceUrl,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _otlp.BaseUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        var port = FreePorts.Next();
        _factory.UseKestrel(port);
        _factory.StartServer();
        BaseUrl = $"http://localhost:{port}";
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Path, Headless = true });
    }

    /// <summary>An inbound SMS as Twilio posts it: signed for the public webhook URL, sent to this host's port.</summary>
    public async Task TextAsync(string from, string body, string? messageSid = null)
    {
        using var http = new HttpClient();
        var request = SwitchboardFactory.SignedSms(from, body, messageSid);
        request.RequestUri = new Uri($"{BaseUrl}/twilio/sms");
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }

    /// <summary>A new browser context (its own cookies) logged in through the login form, at <paramref name="path"/>.</summary>
    public async Task<IPage> LogInAsync(string path)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ops/login"));
        await page.GetByLabel("Admin key").FillAsync(SwitchboardFactory.AdminKey);
        await page.GetByLabel("Admin key").PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log out" })).ToBeVisibleAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _otlp.DisposeAsync();
        await Twilio.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}
