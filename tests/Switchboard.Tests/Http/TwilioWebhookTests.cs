using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Api;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>The HTTP surface end to end: real host, Azurite storage, the Twilio SDK against a fake Twilio.</summary>
public sealed class HttpFixture : IAsyncLifetime
{
    public AzuriteFixture Azurite { get; } = new();

    public FakeTwilioServer Twilio { get; } = new();

    public SwitchboardFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Azurite.InitializeAsync(), Twilio.InitializeAsync());
        Factory = new SwitchboardFactory(Azurite.ConnectionString, Twilio.BaseUrl);
        Factory.CreateClient(); // starts the host
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Twilio.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class HttpCollection : ICollectionFixture<HttpFixture>
{
    public const string Name = "http";
}

[Collection(HttpCollection.Name)]
public sealed class TwilioWebhookTests(HttpFixture fixture)
{
    private const string SmsUrl = SwitchboardFactory.WebhookBaseUrl + "/twilio/sms";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _client = fixture.Factory.CreateClient();

    [Fact]
    public async Task A_signed_message_is_acknowledged_with_empty_TwiML_and_answered_through_the_Twilio_REST_API()
    {
        var phone = TestSms.NewPhone();

        var response = await PostSignedAsync(Form(phone, "help"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TwilioWebhookApi.EmptyTwiml, await response.Content.ReadAsStringAsync());
        var reply = Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));
        Assert.Equal(SwitchboardFactory.FromNumber, reply.From);
        Assert.Contains("log", reply.Body, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("Basic ", reply.Authorization);
        Assert.StartsWith(SwitchboardFactory.WebhookBaseUrl + "/twilio/status?id=", reply.StatusCallback);
    }

    [Fact]
    public async Task A_message_to_a_second_number_of_ours_is_answered_from_that_number()
    {
        var phone = TestSms.NewPhone();
        const string secondNumber = "+15005550007";
        var form = Form(phone, "help");
        form["To"] = secondNumber;

        var response = await PostSignedAsync(form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));
        Assert.Equal(secondNumber, reply.From);
        Assert.Contains("log", reply.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_wrong_signature_is_refused_with_403_and_nothing_is_enqueued()
    {
        var phone = TestSms.NewPhone();
        var request = TwilioSigner.SignedPost("not-the-token", SmsUrl, Form(phone, "help"));

        var response = await _client.SendAsync(request);
        var unsigned = await _client.PostAsync("/twilio/sms", new FormUrlEncodedContent(Form(phone, "help")));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        var conversation = await Admin().GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}");
        Assert.Equal(0, conversation.GetProperty("pending").GetArrayLength());
        Assert.Equal(0, conversation.GetProperty("recentTurns").GetArrayLength());
        Assert.DoesNotContain(fixture.Twilio.Messages, m => m.To == phone);
    }

    [Theory]
    [InlineData("From")]
    [InlineData("MessageSid")]
    [InlineData("Body")]
    public async Task A_signed_form_missing_a_required_field_is_refused_with_400(string missing)
    {
        var form = Form(TestSms.NewPhone(), "help");
        form.Remove(missing);

        var response = await PostSignedAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_signed_form_with_an_over_long_MessageSid_is_refused_with_400_saying_so()
    {
        var form = Form(TestSms.NewPhone(), "help");
        form["MessageSid"] = "SM" + new string('a', 63); // 65 characters

        var response = await PostSignedAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("MessageSid is longer than 64 characters.", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("check my\0 timesheet")] // ASP.NET Core's own form reader calls this "malformed"
    [InlineData("check my timesheet\u0007\u001b\r\n")]
    [InlineData("check my timesheet \ud83d")] // half an emoji
    public async Task A_signed_message_with_odd_characters_is_acknowledged_and_answered(string body)
    {
        var phone = TestSms.NewPhone();

        var response = await PostSignedAsync(Form(phone, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));
        Assert.Contains("week of", reply.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_signed_message_longer_than_an_SMS_is_acknowledged_and_its_first_part_answered()
    {
        // Twilio delivers concatenated SMS of up to 1,600 characters and WhatsApp messages of up to 4,096.
        var phone = TestSms.NewPhone();
        var body = "check my timesheet " + string.Concat(Enumerable.Repeat("please ", 241)); // 1,706 characters

        var response = await PostSignedAsync(Form(phone, body, out var sid));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));
        Assert.Contains("week of", reply.Body, StringComparison.OrdinalIgnoreCase);
        var conversation = await Admin().GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}");
        var turn = conversation.GetProperty("recentTurns")[0].GetProperty("turn");
        Assert.Equal(sid, turn.GetProperty("messageSid").GetString());
        Assert.StartsWith("check my timesheet please", turn.GetProperty("inbound").GetString());
    }

    [Fact]
    public async Task An_unparseable_sender_is_refused_with_400()
    {
        var form = Form("not-a-number", "help");

        var response = await PostSignedAsync(form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused_with_413()
    {
        var form = Form(TestSms.NewPhone(), new string('x', 70_000));

        var response = await PostSignedAsync(form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_body_that_is_not_a_form_is_refused_with_415()
    {
        var response = await _client.PostAsync("/twilio/sms", JsonContent.Create(new { MessageSid = "SM1", From = "+15550100001", Body = "hi" }));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task A_reply_refused_with_429_is_retried_and_sent_once()
    {
        var phone = TestSms.NewPhone();
        fixture.Twilio.Script((429, 20429), (503, 0));

        await PostSignedAsync(Form(phone, "help", out var sid));

        await fixture.Twilio.WaitForAsync(phone, 1, Timeout);
        var id = Uri.EscapeDataString($"{phone}:{sid}:reply");
        JsonElement outbound = default;
        await Eventually.HoldsAsync(async () =>
        {
            outbound = await Admin().GetFromJsonAsync<JsonElement>($"/admin/outbound/{id}");
            return outbound.GetProperty("status").GetString() == "Accepted";
        }, Timeout, "the outbound record to show acceptance");
        Assert.Equal(3, outbound.GetProperty("attempts").GetArrayLength());
        Assert.Equal(429, outbound.GetProperty("attempts")[0].GetProperty("httpStatus").GetInt32());
        Assert.Single(fixture.Twilio.AcceptedTo(phone));
    }

    [Fact]
    public async Task A_status_callback_updates_the_delivery_seen_by_operators()
    {
        var phone = TestSms.NewPhone();
        await PostSignedAsync(Form(phone, "help", out var sid));
        var reply = Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));
        var callback = new Dictionary<string, string> { ["MessageSid"] = reply.Sid!, ["MessageStatus"] = "delivered", ["AccountSid"] = reply.AccountSid };

        var unsigned = await _client.PostAsync(reply.StatusCallback, new FormUrlEncodedContent(callback));
        var signed = await _client.SendAsync(TwilioSigner.SignedPost(SwitchboardFactory.AuthToken, reply.StatusCallback, callback));

        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        var conversation = await Admin().GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}");
        var turn = conversation.GetProperty("recentTurns")[0];
        Assert.Equal(sid, turn.GetProperty("turn").GetProperty("messageSid").GetString());
        Assert.Equal("Delivered", turn.GetProperty("delivery").GetString());
    }

    [Fact]
    public async Task A_status_callback_without_our_id_is_placed_by_its_Twilio_sid_and_To_number()
    {
        // A callback URL set by hand in the Twilio console carries only Twilio's own fields.
        var phone = TestSms.NewPhone();
        await PostSignedAsync(Form(phone, "help", out var sid));
        var reply = Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));
        const string url = SwitchboardFactory.WebhookBaseUrl + "/twilio/status";
        var callback = new Dictionary<string, string> { ["MessageSid"] = reply.Sid!, ["MessageStatus"] = "delivered", ["To"] = phone, ["AccountSid"] = reply.AccountSid };
        var stranger = new Dictionary<string, string> { ["MessageSid"] = $"SM{Guid.NewGuid():N}", ["MessageStatus"] = "delivered", ["To"] = phone };

        await Eventually.HoldsAsync(
            async () => (await Admin().GetFromJsonAsync<JsonElement>($"/admin/outbound/{Uri.EscapeDataString($"{phone}:{sid}:reply")}")).GetProperty("status").GetString() == "Accepted",
            Timeout,
            "the reply's acceptance to be recorded");
        var placed = await _client.SendAsync(TwilioSigner.SignedPost(SwitchboardFactory.AuthToken, url, callback));
        var unknown = await _client.SendAsync(TwilioSigner.SignedPost(SwitchboardFactory.AuthToken, url, stranger));

        Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode); // acknowledged, so Twilio does not retry what cannot be placed
        var turn = (await Admin().GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}")).GetProperty("recentTurns")[0];
        Assert.Equal(sid, turn.GetProperty("turn").GetProperty("messageSid").GetString());
        Assert.Equal("Delivered", turn.GetProperty("delivery").GetString());
    }

    [Fact]
    public async Task Admin_endpoints_need_the_key()
    {
        var response = await _client.GetAsync($"/admin/conversations/{Uri.EscapeDataString("+15550100001")}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Health_reports_grains_and_storage()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);
    }

    /// <summary>Posts a form to the SMS webhook signed with the host's auth token, as Twilio would.</summary>
    private Task<HttpResponseMessage> PostSignedAsync(Dictionary<string, string> form) =>
        _client.SendAsync(TwilioSigner.SignedPost(SwitchboardFactory.AuthToken, SmsUrl, form));

    private HttpClient Admin()
    {
        var client = fixture.Factory.CreateAdminClient();
        return client;
    }

    private static Dictionary<string, string> Form(string from, string body) => Form(from, body, out _);

    private static Dictionary<string, string> Form(string from, string body, out string messageSid)
    {
        messageSid = TestSms.NewSid();
        return new()
        {
            ["MessageSid"] = messageSid,
            ["AccountSid"] = "AC11111111111111111111111111111111",
            ["From"] = from,
            ["To"] = SwitchboardFactory.FromNumber,
            ["Body"] = body,
            ["NumMedia"] = "0",
        };
    }
}
