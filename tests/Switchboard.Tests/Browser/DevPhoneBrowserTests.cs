using Microsoft.Playwright;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Browser;

/// <summary>
/// The dev phone page in a real browser (Debian's Chromium, driven by Playwright) against the real host on Azurite,
/// replies going to the dev outbox: what a developer sees when they text the service from /dev/phone.
/// </summary>
public sealed class DevPhoneBrowserTests : IAsyncLifetime
{
    private static readonly LocatorAssertionsToContainTextOptions ReplyTimeout = new() { Timeout = 30_000 };

    private readonly AzuriteFixture _azurite = new();
    private SiloProcess? _silo;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _silo = await SiloProcess.StartAsync(new Dictionary<string, string> { ["ConnectionStrings:AzureStorage"] = _azurite.ConnectionString });
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Path, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task Texting_from_the_dev_phone_shows_the_message_and_then_the_reply_in_the_thread()
    {
        var page = await OpenAsync(TestSms.NewPhone());

        await page.FillAsync("#body", "log 8h on Apollo today");
        await page.ClickAsync("button[type=submit]");

        await Assertions.Expect(page.Locator(".bubble.in").Last).ToContainTextAsync("log 8h on Apollo today", ReplyTimeout);
        await Assertions.Expect(page.Locator(".bubble.out").Last).ToContainTextAsync("Logged 8h on Apollo", ReplyTimeout);
        await Assertions.Expect(page.Locator("#body")).ToHaveValueAsync("");

        await page.FillAsync("#body", "check my timesheet");
        await page.PressAsync("#body", "Enter");
        await Assertions.Expect(page.Locator(".bubble.out").Last).ToContainTextAsync("Apollo 8h", ReplyTimeout);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, ".data", "test-results", "dev-phone.png") });
    }

    [Fact]
    public async Task The_dev_phone_says_why_a_message_was_not_sent()
    {
        var page = await OpenAsync("not a number");

        await page.FillAsync("#body", "help");
        await page.ClickAsync("button[type=submit]");

        await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("Not sent", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator(".bubble")).ToHaveCountAsync(0);
    }

    private async Task<IPage> OpenAsync(string phone)
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync($"{_silo!.BaseUrl}/dev/phone");
        await page.FillAsync("#phone", phone);
        await page.PressAsync("#phone", "Tab"); // "change" fires when the field loses focus
        return page;
    }
}
