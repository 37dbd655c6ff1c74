using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Contracts;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>
/// The operator console over HTTP as a browser without scripts sees it: a Production host (Secure cookies, so over
/// HTTPS) that shows nothing without a session, and forms that change nothing without their anti-forgery token.
/// The browser tests (Browser/OpsConsoleBrowserTests) drive the same pages in Chromium.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class OpsConsoleTests(HttpFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task In_production_a_conversation_is_shown_only_after_logging_in_with_the_admin_key()
    {
        await using var factory = new SwitchboardFactory(fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl, environment: "Production");
        var browser = factory.CreateOpsClient(https: true);
        var phone = TestSms.NewPhone();
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(SwitchboardFactory.SignedSms(phone, "log 8h on Apollo today"))).StatusCode);
        await fixture.Twilio.WaitForAsync(phone, 1, Timeout);
        var page = $"/ops/conversations/{Uri.EscapeDataString(phone)}";

        var anonymous = await browser.GetAsync(page);
        var wrongKey = await OpsSession.LogInAsync(browser, key: "not-the-admin-key-at-all", returnUrl: page);
        var stillAnonymous = await browser.GetAsync(page);

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/ops/login", anonymous.Headers.Location!.AbsolutePath);
        Assert.DoesNotContain("Apollo", await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Contains("not the admin key", await wrongKey.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, stillAnonymous.StatusCode);

        var loggedIn = await OpsSession.LogInAsync(browser, returnUrl: page);

        Assert.Equal(HttpStatusCode.Redirect, loggedIn.StatusCode);
        Assert.Equal(page, loggedIn.Headers.Location!.OriginalString);
        var session = Assert.Single(loggedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("switchboard-ops=", StringComparison.Ordinal));
        foreach (var attribute in new[] { "path=/ops", "secure", "samesite=strict", "httponly" })
        {
            Assert.Contains(attribute, session, StringComparison.OrdinalIgnoreCase);
        }

        string html = "";
        await Eventually.HoldsAsync(
            async () => (html = await browser.GetStringAsync(page)).Contains("accepted", StringComparison.Ordinal),
            Timeout,
            "the turn and its reply's delivery on the conversation page");
        Assert.Contains("log 8h on Apollo today", html);
        foreach (var step in new[] { "plan", "timesheet", "compose", "brand", "validate" })
        {
            Assert.Contains($"<td>{step}</td>", html);
        }

        Assert.Contains(fixture.Twilio.AcceptedTo(phone).Single().Sid!, html);
        Assert.True((await browser.GetAsync(page)).Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    [Fact]
    public async Task A_reply_refused_with_21211_is_listed_and_its_resend_form_sends_only_with_the_anti_forgery_token()
    {
        var phone = TestSms.NewPhone();
        var sid = TestSms.NewSid();
        var failedId = OutboundId.ForReply(phone, sid);
        fixture.Twilio.ScriptFor(phone, FakeAnswer.TwilioError(400, 21211));
        var browser = fixture.Factory.CreateOpsClient();
        await browser.SendAsync(SwitchboardFactory.SignedSms(phone, "help", sid));
        await OpsSession.LogInAsync(browser);

        string list = "";
        await Eventually.HoldsAsync(
            async () => (list = WebUtility.HtmlDecode(await browser.GetStringAsync("/ops/failed"))).Contains(PhoneMask.Mask(phone), StringComparison.Ordinal),
            Timeout,
            "the refused reply on the failed list");
        var row = RowOf(list, PhoneMask.Mask(phone));
        Assert.Contains("21211", row);
        Assert.DoesNotContain(phone, list); // masked, also in the form that names the reply
        var sealedId = System.Text.RegularExpressions.Regex.Match(row, "name=\"reply\" value=\"(?<id>[^\"]+)\"").Groups["id"].Value;

        var withoutToken = await browser.PostAsync("/ops/failed/resend", OpsSession.Form(null, ("reply", sealedId)));
        var withToken = await browser.PostAsync("/ops/failed/resend", OpsSession.Form(OpsSession.TokenIn(list), ("reply", sealedId)));

        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, withToken.StatusCode);
        Assert.Contains("Sent again", await browser.GetStringAsync(withToken.Headers.Location!.OriginalString));
        await fixture.Twilio.WaitForAsync(phone, 1, Timeout);
        var record = await fixture.Factory.CreateAdminClient().GetFromJsonAsync<JsonElement>($"/admin/outbound/{Uri.EscapeDataString(failedId)}");
        Assert.Single(record.GetProperty("resentAs").EnumerateArray()); // the post without the token sent nothing
    }

    [Fact]
    public async Task Erasing_without_the_token_or_the_confirmation_leaves_the_conversation_and_with_both_erases_it()
    {
        var phone = TestSms.NewPhone();
        var browser = fixture.Factory.CreateOpsClient();
        await browser.SendAsync(SwitchboardFactory.SignedSms(phone, "check <b>my</b> timesheet"));
        await fixture.Twilio.WaitForAsync(phone, 1, Timeout);
        await OpsSession.LogInAsync(browser);
        var page = $"/ops/conversations/{Uri.EscapeDataString(phone)}";
        var erase = $"{page}/erase";
        string html = "";
        await Eventually.HoldsAsync(async () => (html = await browser.GetStringAsync(page)).Contains("class=\"turn\"", StringComparison.Ordinal), Timeout, "the turn");
        Assert.Contains("check &lt;b&gt;my&lt;/b&gt; timesheet", html); // shown as text, never as markup
        var token = OpsSession.TokenIn(html);

        var withoutToken = await browser.PostAsync(erase, OpsSession.Form(null, ("confirm", "yes")));
        var unconfirmed = await browser.PostAsync(erase, OpsSession.Form(token));

        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.True(unconfirmed.StatusCode == HttpStatusCode.Redirect, await unconfirmed.Content.ReadAsStringAsync());
        Assert.Contains("tick the box", await browser.GetStringAsync(unconfirmed.Headers.Location!.OriginalString));
        Assert.Contains("class=\"turn\"", await browser.GetStringAsync(page));

        var erased = await browser.PostAsync(erase, OpsSession.Form(token, ("confirm", "yes")));

        var after = await browser.GetStringAsync(erased.Headers.Location!.OriginalString);
        Assert.Contains("Erased", after);
        Assert.DoesNotContain("class=\"turn\"", after);
    }

    [Fact]
    public async Task Logging_out_ends_the_session()
    {
        var browser = fixture.Factory.CreateOpsClient();
        await OpsSession.LogInAsync(browser);
        var overview = await browser.GetStringAsync("/ops");

        var loggedOut = await browser.PostAsync("/ops/logout", OpsSession.Form(OpsSession.TokenIn(overview)));

        Assert.Equal("/ops/login", loggedOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/ops")).StatusCode);
    }

    private static string RowOf(string html, string text)
    {
        var at = html.IndexOf(text, StringComparison.Ordinal);
        var start = html.LastIndexOf("<tr>", at, StringComparison.Ordinal);
        return html[start..(html.IndexOf("</tr>", at, StringComparison.Ordinal) + 5)];
    }
}
