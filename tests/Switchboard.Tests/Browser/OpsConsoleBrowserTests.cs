using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Switchboard.Contracts;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Browser;

/// <summary>
/// The operator console in a real browser (Debian's Chromium, driven by Playwright) against the real host: what an
/// operator does with it, by label and keyboard where a person would.
/// </summary>
public sealed class OpsConsoleBrowserTests(OpsConsoleBrowserFixture fixture) : IClassFixture<OpsConsoleBrowserFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly LocatorAssertionsToContainTextOptions Patiently = new() { Timeout = 30_000 };

    [Fact]
    public async Task An_operator_logs_in_finds_a_number_and_reads_its_turn_steps_and_delivery()
    {
        var phone = TestSms.NewPhone();
        await fixture.TextAsync(phone, "log 8h on Apollo today");
        var sent = Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));
        var page = await fixture.LogInAsync("/ops");

        await page.GetByLabel("Phone number").FillAsync(phone);
        await page.GetByLabel("Phone number").PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Conversation with {phone}" })).ToBeVisibleAsync();
        var turn = page.Locator("article.turn").First;
        await Assertions.Expect(turn.Locator(".delivery")).ToContainTextAsync("accepted", Patiently);

        await Assertions.Expect(turn.Locator(".bubble.in")).ToHaveTextAsync("log 8h on Apollo today");
        await Assertions.Expect(turn.Locator(".bubble.out")).ToContainTextAsync("Logged 8h on Apollo");
        await Assertions.Expect(turn.Locator("table.steps tbody td:first-child")).ToHaveTextAsync(["plan", "timesheet", "compose", "brand", "validate"]);
        await Assertions.Expect(turn.Locator(".delivery")).ToContainTextAsync($"Twilio SID {sent.Sid}");
        await Assertions.Expect(turn.Locator("a.trace")).ToHaveAttributeAsync("href", new Regex("^https://traces\\.example\\.test/trace/[0-9a-f]{32}$"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepositoryRoot.Path, ".data", "test-results", "ops-console.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ops/login$"));
        await page.GotoAsync($"/ops/conversations/{Uri.EscapeDataString(phone)}");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/ops/login\\?ReturnUrl="));
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("Apollo");
    }

    [Fact]
    public async Task An_operator_resends_a_reply_Twilio_refused_from_the_failed_list()
    {
        var phone = TestSms.NewPhone();
        fixture.Twilio.ScriptFor(phone, FakeAnswer.TwilioError(400, 21211));
        await fixture.TextAsync(phone, "help");
        var page = await fixture.LogInAsync("/ops/failed");
        var row = page.Locator("#failed tbody tr", new() { HasText = PhoneMask.Mask(phone) });
        await Eventually.HoldsAsync(
            async () =>
            {
                if (await row.CountAsync() == 1)
                {
                    return true;
                }

                await page.ReloadAsync(); // the list is as of the page's load
                return false;
            },
            Timeout,
            "the refused reply on the failed list");

        await Assertions.Expect(row.Locator(".code")).ToHaveTextAsync("21211");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync(phone); // masked
        await row.GetByRole(AriaRole.Button, new() { Name = "Resend" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Sent again");
        var resent = Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));
        Assert.Contains("log", resent.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_operator_erases_a_conversation_once_the_confirmation_is_ticked()
    {
        var phone = TestSms.NewPhone();
        await fixture.TextAsync(phone, "check my timesheet");
        await fixture.Twilio.WaitForAsync(phone, 1, Timeout);
        var page = await fixture.LogInAsync($"/ops/conversations/{Uri.EscapeDataString(phone)}");
        await Assertions.Expect(page.Locator("article.turn")).ToHaveCountAsync(1);
        var erase = page.GetByRole(AriaRole.Button, new() { Name = "Erase conversation" });

        await erase.ClickAsync(); // not confirmed: the browser does not send the form
        await Assertions.Expect(page.Locator("article.turn")).ToHaveCountAsync(1);
        await page.GetByLabel("Yes, erase this number's stored messages").CheckAsync();
        await erase.ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Erased");
        await Assertions.Expect(page.Locator("article.turn")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_form_sent_without_its_anti_forgery_token_is_refused_and_changes_nothing()
    {
        var phone = TestSms.NewPhone();
        await fixture.TextAsync(phone, "check my timesheet");
        await fixture.Twilio.WaitForAsync(phone, 1, Timeout);
        var conversation = $"/ops/conversations/{Uri.EscapeDataString(phone)}";
        var page = await fixture.LogInAsync(conversation);
        await Assertions.Expect(page.Locator("article.turn")).ToHaveCountAsync(1);

        await page.Locator("form[action$='/erase'] input[name=__RequestVerificationToken]").EvaluateAsync("input => input.remove()");
        await page.GetByLabel("Yes, erase this number's stored messages").CheckAsync();
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Erase conversation" }).ClickAsync(), r => r.Url.EndsWith("/erase", StringComparison.Ordinal));

        Assert.Equal(400, answer.Status);
        await page.GotoAsync(conversation);
        await Assertions.Expect(page.Locator("article.turn")).ToHaveCountAsync(1);
    }
}
