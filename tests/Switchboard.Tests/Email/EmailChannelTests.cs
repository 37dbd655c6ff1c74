using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Tests.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Email;

/// <summary>
/// The email channel end to end: SendGrid's Inbound Parse post to the real host on Azurite, the conversation of the
/// employee registered with the address, the reply through the SendGrid SDK to the fake (which is also the fake Twilio).
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class EmailChannelTests(HttpFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _client = fixture.Factory.CreateClient();
    private readonly HttpClient _admin = fixture.Factory.CreateAdminClient();

    [Fact]
    public async Task An_employee_emails_a_log_under_a_quoted_mail_and_gets_a_threaded_email_reply_that_their_texts_then_see()
    {
        var (phone, address) = await RegisterAsync();
        const string messageId = "<CAF-first-mail@mail.example.com>";
        const string text = """
            log 3h on Apollo today

            --
            Ann Example, Apollo team

            On Mon, 7 Dec 2026 at 09:12, Switchboard <timesheets@switchboard.example.test> wrote:
            > log 8h on Zeus yesterday
            > Logged 8h on Zeus for Sun 6 Dec.
            """;

        var response = await _client.SendAsync(SendGridInbound.Post(address, "Hours", text.Replace("--\n", "-- \n"), messageId, references: "<CAF-earlier@mail.example.com>"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(await fixture.Twilio.WaitForEmailAsync(address, 1, Timeout));
        Assert.Contains("3h", reply.Text, StringComparison.Ordinal);
        Assert.Contains("Apollo", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Zeus", reply.Text, StringComparison.Ordinal);
        Assert.Equal(SwitchboardFactory.EmailFrom, reply.From);
        Assert.Equal("Re: Hours", reply.Subject);
        Assert.Equal(messageId, reply.InReplyTo);
        Assert.Equal($"<CAF-earlier@mail.example.com> {messageId}", reply.References);
        Assert.Equal($"Bearer {SwitchboardFactory.SendGridApiKey}", reply.Authorization);
        Assert.DoesNotContain(fixture.Twilio.Messages, m => m.To == phone); // answered by email only

        await _client.SendAsync(SwitchboardFactory.SignedSms(phone, "check my timesheet"));

        var status = Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));
        Assert.Contains("Apollo", status.Body, StringComparison.Ordinal);
        Assert.Contains("3h", status.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Zeus", status.Body, StringComparison.Ordinal);
        var turns = await TurnsAsync(phone);
        Assert.Equal(["Email", "Sms"], turns.Select(t => t.GetProperty("channel").GetString()).Order());
        Assert.Contains(turns, t => t.GetProperty("inbound").GetString() == "log 3h on Apollo today");
    }

    [Fact]
    public async Task Without_its_credentials_the_email_webhook_answers_401_and_takes_nothing()
    {
        var (_, address) = await RegisterAsync();
        var unsigned = SendGridInbound.Post(address, "Hours", "log 1h on Apollo today");
        unsigned.Headers.Authorization = null;

        var none = await _client.SendAsync(unsigned);
        var wrong = await _client.SendAsync(SendGridInbound.Post(address, "Hours", "log 1h on Apollo today", credentials: ("sendgrid", "not-the-password-at-all")));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.StartsWith("Basic", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        await AnswersAndThenAsync(address, () => Assert.Single(fixture.Twilio.Emails, m => m.To == address));
    }

    [Fact]
    public async Task A_mail_from_an_address_no_employee_has_is_acknowledged_counted_and_not_answered()
    {
        var stranger = $"stranger.{Guid.NewGuid():N}@example.org";

        var response = await _client.SendAsync(SendGridInbound.Post(stranger, "Hello", "log 8h on Apollo today"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await CountedAsync("switchboard_email_unknown_sender_total");
        var (_, address) = await RegisterAsync();
        await AnswersAndThenAsync(address, () => Assert.DoesNotContain(fixture.Twilio.Emails, m => m.To == stranger));
    }

    [Fact]
    public async Task A_mail_whose_sender_neither_SPF_nor_DKIM_vouches_for_is_treated_like_an_unknown_address()
    {
        var (phone, address) = await RegisterAsync();

        var response = await _client.SendAsync(SendGridInbound.Post(address, "Hours", "log 8h on Apollo today", spf: "softfail", dkim: "{@attacker.example : pass}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await CountedAsync("switchboard_email_unauthenticated_total");
        await AnswersAndThenAsync(address, () => Assert.Single(fixture.Twilio.Emails, m => m.To == address));
        Assert.DoesNotContain(await TurnsAsync(phone), t => t.GetProperty("inbound").GetString()!.Contains("8h", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mail_SendGrid_posts_again_is_answered_once()
    {
        var (_, address) = await RegisterAsync();
        const string messageId = "<same-mail-twice@mail.example.com>";

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(SendGridInbound.Post(address, "Hours", "log 2h on Apollo today", messageId))).StatusCode);
        // Answered before the next post: in OneWay mode two hand-offs to a conversation not yet active may arrive in either order.
        var logged = Assert.Single(await fixture.Twilio.WaitForEmailAsync(address, 1, Timeout));
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(SendGridInbound.Post(address, "Hours", "log 2h on Apollo today", messageId))).StatusCode);
        await _client.SendAsync(SendGridInbound.Post(address, "Hours", "hours"));

        var replies = await fixture.Twilio.WaitForEmailAsync(address, 2, Timeout);
        Assert.Contains("2h", logged.Text, StringComparison.Ordinal);
        Assert.Contains("Apollo 2h. Total: 2h.", replies[1].Text, StringComparison.Ordinal); // logged once, not twice
        Assert.Equal(2, fixture.Twilio.Emails.Count(m => m.To == address));
    }

    [Fact]
    public async Task A_reply_SendGrid_throttles_or_fails_is_retried_after_Retry_After_and_sent_once_visible_to_operators()
    {
        var (phone, address) = await RegisterAsync();
        fixture.Twilio.ScriptEmail(
            new FakeAnswer(429, """{"errors":[{"message":"too many requests"}]}""", RetryAfter: "1"),
            new FakeAnswer(503, "<html>unavailable</html>", "text/html"));

        await _client.SendAsync(SendGridInbound.Post(address, "Hours", "log 4h on Apollo today"));

        Assert.Single(await fixture.Twilio.WaitForEmailAsync(address, 1, Timeout));
        Assert.Equal([429, 503, 202], fixture.Twilio.Emails.Where(m => m.To == address).Select(m => m.Status));
        var turn = Assert.Single(await TurnsAsync(phone));
        var outbound = await _admin.GetFromJsonAsync<JsonElement>($"/admin/outbound/{Uri.EscapeDataString(turn.GetProperty("outboundId").GetString()!)}");
        Assert.Equal("Email", outbound.GetProperty("channel").GetString());
        Assert.Equal("Accepted", outbound.GetProperty("status").GetString());
        Assert.Equal([429, 503, 202], outbound.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("httpStatus").GetInt32()));
    }

    [Fact]
    public async Task A_reply_SendGrid_refuses_for_good_is_not_retried_listed_as_failed_and_can_be_sent_again()
    {
        var (phone, address) = await RegisterAsync();
        fixture.Twilio.ScriptEmail(new FakeAnswer(403, """{"errors":[{"message":"The from address does not match a verified Sender Identity."}]}"""));

        await _client.SendAsync(SendGridInbound.Post(address, "Hours", "hours"));

        JsonElement failed = default;
        await Eventually.HoldsAsync(
            async () => (failed = (await _admin.GetFromJsonAsync<JsonElement>("/admin/outbound?state=failed&take=200")).GetProperty("items")).EnumerateArray()
                .Any(f => f.GetProperty("to").GetString() == phone),
            Timeout,
            "the refused mail in the failed list");
        Assert.Single(fixture.Twilio.Emails, m => m.To == address);
        var rejected = failed.EnumerateArray().Single(f => f.GetProperty("to").GetString() == phone);
        Assert.Equal("Rejected", rejected.GetProperty("status").GetString());

        var resend = await _admin.PostAsync($"/admin/outbound/{Uri.EscapeDataString(rejected.GetProperty("id").GetString()!)}/resend", null);

        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        var sent = Assert.Single(await fixture.Twilio.WaitForEmailAsync(address, 1, Timeout));
        Assert.Equal("Re: Hours", sent.Subject); // the same mail, threaded as before
    }

    [Fact]
    public async Task An_email_address_can_belong_to_one_employee_only()
    {
        var (_, address) = await RegisterAsync();
        var other = TestSms.NewPhone();

        var response = await _admin.PutAsJsonAsync($"/admin/employees/{Uri.EscapeDataString(other)}", new { name = "Bob", employeeId = $"mail-{other}", email = address });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task The_dev_phone_writes_as_an_employee_by_email()
    {
        var (_, address) = await RegisterAsync();

        var sent = await _client.PostAsJsonAsync("/dev/phone/send", new { from = address, body = "log 6h on Apollo today" });

        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var reply = Assert.Single(await fixture.Twilio.WaitForEmailAsync(address, 1, Timeout));
        Assert.Contains("6h", reply.Text, StringComparison.Ordinal);
        await Eventually.HoldsAsync(
            async () => (await _client.GetFromJsonAsync<JsonElement>($"/dev/phone/conversation?phone={Uri.EscapeDataString(address)}"))
                .GetProperty("recentTurns").EnumerateArray().Any(t => t.GetProperty("channel").GetString() == "Email"),
            Timeout,
            "the mail on the dev phone");
    }

    /// <summary>A new employee with a new address (registered in mixed case: addresses are matched without case).</summary>
    private async Task<(string Phone, string Address)> RegisterAsync()
    {
        var phone = TestSms.NewPhone();
        var address = $"ann.{Guid.NewGuid():N}@example.com";
        var response = await _admin.PutAsJsonAsync(
            $"/admin/employees/{Uri.EscapeDataString(phone)}", new { name = "Ann Example", employeeId = $"mail-{phone}", email = "Ann." + address[4..].ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(address, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString());
        return (phone, address);
    }

    /// <summary>
    /// A genuine mail from <paramref name="address"/>, answered; then <paramref name="check"/>. Mails are taken in the
    /// order they are posted, so what an earlier post was going to cause has happened by then.
    /// </summary>
    private async Task AnswersAndThenAsync(string address, Action check)
    {
        var before = fixture.Twilio.EmailsAcceptedTo(address).Count;
        await _client.SendAsync(SendGridInbound.Post(address, "Hours", "help"));
        await fixture.Twilio.WaitForEmailAsync(address, before + 1, Timeout);
        check();
    }

    private async Task<IReadOnlyList<JsonElement>> TurnsAsync(string phone) =>
        [.. (await _admin.GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}")).GetProperty("recentTurns")
            .EnumerateArray().Select(t => t.GetProperty("turn"))];

    private async Task CountedAsync(string counter) =>
        await Eventually.HoldsAsync(
            async () => (await _client.GetStringAsync("/metrics")).Split('\n')
                .Any(l => l.StartsWith(counter, StringComparison.Ordinal) && !l.Split(' ')[1].StartsWith('0')),
            Timeout,
            $"{counter} above 0");
}
