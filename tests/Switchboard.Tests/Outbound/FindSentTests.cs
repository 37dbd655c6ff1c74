using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Contracts;
using Switchboard.Grains.Outbound;
using Switchboard.Tests.Infrastructure;
using Twilio.Exceptions;

namespace Switchboard.Tests.Outbound;

/// <summary>
/// <see cref="TwilioSmsSender.FindSentAsync"/> through the real Twilio SDK against <see cref="FakeTwilioServer"/>'s
/// GET Messages.json: which message Twilio already took counts as this one. The fake's clock is fixed, so "created
/// before since" is exact.
/// </summary>
public sealed class FindSentTests : IAsyncLifetime
{
    private const string AccountSid = "AC00000000000000000000000000000000";
    private const string OurNumber = "+15005550006";

    // Half a second into a second: Twilio lists the message created at 10:20:30, without the fraction.
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 10, 20, 30, 500, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly FakeTwilioServer _twilio;
    private readonly List<ServiceProvider> _providers = [];

    public FindSentTests() => _twilio = new FakeTwilioServer(_clock);

    public Task InitializeAsync() => _twilio.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task Finds_the_sid_of_a_message_Twilio_took_in_the_same_second_as_since()
    {
        var sender = Sender();
        var message = new OutboundSms(TestSms.NewPhone(), "hello", "test");
        var since = Now.AddMilliseconds(-100); // the attempt began, then Twilio created the message

        var sent = await sender.SendAsync("id", message);

        Assert.Equal(SendOutcome.Accepted, sent.Outcome);
        Assert.Equal(sent.Sid, await sender.FindSentAsync("id", message, since));
    }

    [Fact]
    public async Task Finds_nothing_for_another_body_another_number_or_another_sender()
    {
        var sender = Sender();
        var message = new OutboundSms(TestSms.NewPhone(), "hello", "test");
        await sender.SendAsync("id", message);

        Assert.Null(await sender.FindSentAsync("id", message with { Body = "hello again" }, Now));
        Assert.Null(await sender.FindSentAsync("id", message with { To = TestSms.NewPhone() }, Now));
        Assert.Null(await Sender(o => o.FromNumber = "+15005550007").FindSentAsync("id", message, Now));
        Assert.NotNull(await sender.FindSentAsync("id", message, Now));
    }

    [Fact]
    public async Task Finds_nothing_created_before_since()
    {
        var sender = Sender();
        var message = new OutboundSms(TestSms.NewPhone(), "hello", "test");
        await sender.SendAsync("id", message);

        Assert.Null(await sender.FindSentAsync("id", message, Now.AddSeconds(1)));
    }

    [Fact]
    public async Task The_fake_lists_like_Twilio_by_recipient_sender_and_day_newest_first()
    {
        var sender = Sender();
        var phone = TestSms.NewPhone();
        await sender.SendAsync("yesterday", new OutboundSms(phone, "first", "test"));
        _clock.Advance(TimeSpan.FromDays(1));
        await sender.SendAsync("today", new OutboundSms(phone, "second", "test"));
        await sender.SendAsync("today", new OutboundSms(phone, "third", "test"));
        await sender.SendAsync("other", new OutboundSms(TestSms.NewPhone(), "elsewhere", "test"));
        using var http = new HttpClient { BaseAddress = new Uri(_twilio.BaseUrl) };

        var json = await http.GetStringAsync(
            $"/2010-04-01/Accounts/{AccountSid}/Messages.json?To={Uri.EscapeDataString(phone)}&From={Uri.EscapeDataString(OurNumber)}&DateSent%3E=2026-03-05&PageSize=1");
        using var page = System.Text.Json.JsonDocument.Parse(json);
        var root = page.RootElement;

        var listed = Assert.Single(root.GetProperty("messages").EnumerateArray());
        Assert.Equal("third", listed.GetProperty("body").GetString());
        Assert.Equal("Thu, 05 Mar 2026 10:20:30 +0000", listed.GetProperty("date_created").GetString());
        Assert.Equal(1, root.GetProperty("page_size").GetInt32());
        Assert.EndsWith("Page=1", root.GetProperty("next_page_uri").GetString());
        var second = await http.GetStringAsync(root.GetProperty("next_page_uri").GetString());
        Assert.Contains("\"body\":\"second\"", second, StringComparison.Ordinal);
        Assert.Contains("\"next_page_uri\":null", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finds_the_newest_match_when_Twilio_took_the_same_text_twice()
    {
        var sender = Sender();
        var message = new OutboundSms(TestSms.NewPhone(), "ok", "test");
        await sender.SendAsync("earlier", message);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var since = _clock.GetUtcNow();
        var sent = await sender.SendAsync("id", message);

        Assert.Equal(sent.Sid, await sender.FindSentAsync("id", message, since));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    public async Task Throws_when_Twilio_cannot_be_asked(int status)
    {
        var message = new OutboundSms(TestSms.NewPhone(), "hello", "test");
        _twilio.ScriptList(status == 500 ? FakeAnswer.TwilioError(500, 20500) : FakeAnswer.Html(status));

        await Assert.ThrowsAsync<ApiException>(() => Sender().FindSentAsync("id", message, Now));
    }

    [Fact]
    public async Task Throws_when_Twilio_cannot_be_reached()
    {
        var refused = Sender(o => o.ApiBaseUrl = RefusedTwilioClusterFixture.RefusedBaseUrl);

        await Assert.ThrowsAsync<ApiConnectionException>(() => refused.FindSentAsync("id", new OutboundSms(TestSms.NewPhone(), "hello", "test"), Now));
    }

    [Fact]
    public async Task With_a_messaging_service_matches_on_the_service_not_a_number()
    {
        const string service = "MG00000000000000000000000000000001";
        var viaService = Sender(o => (o.FromNumber, o.MessagingServiceSid) = (null, service));
        var viaOtherService = Sender(o => (o.FromNumber, o.MessagingServiceSid) = (null, "MG00000000000000000000000000000002"));
        var message = new OutboundSms(TestSms.NewPhone(), "hello", "test");

        var sent = await viaService.SendAsync("id", message);

        Assert.Equal(service, Assert.Single(_twilio.AcceptedTo(message.To)).MessagingServiceSid);
        Assert.Equal(sent.Sid, await viaService.FindSentAsync("id", message, Now));
        Assert.Null(await viaOtherService.FindSentAsync("id", message, Now));
    }

    [Fact]
    public async Task A_WhatsApp_template_is_found_whatever_its_body()
    {
        var whatsApp = Sender(o => o.WhatsAppFrom = "whatsapp:+14155238886");
        var message = new OutboundSms(TestSms.NewPhone(), "your timesheet is due", "test")
        {
            Channel = MessageChannel.WhatsApp,
            Template = new WhatsAppTemplate("HX00000000000000000000000000000001", """{"1":"your timesheet is due"}"""),
        };

        var sent = await whatsApp.SendAsync("id", message);

        Assert.Equal("", Assert.Single(_twilio.AcceptedTo($"whatsapp:{message.To}")).Body); // Twilio renders the template
        Assert.Equal(sent.Sid, await whatsApp.FindSentAsync("id", message, Now));
        Assert.Null(await whatsApp.FindSentAsync("id", message with { Channel = MessageChannel.Sms, Template = null }, Now));
    }

    [Fact]
    public async Task A_message_taken_whose_answer_is_lost_leaves_the_outcome_open_and_is_then_found()
    {
        var sender = Sender();
        var message = new OutboundSms(TestSms.NewPhone(), "hello", "test");
        _twilio.ScriptFor(message.To, FakeAnswer.AcceptedAnswerLost);

        var result = await sender.SendAsync("id", message);

        Assert.True(result.LeavesOutcomeOpen, $"{result}");
        Assert.Equal(SendOutcome.Retryable, result.Outcome);
        Assert.Null(result.Sid);
        var taken = Assert.Single(_twilio.Messages, m => m.To == message.To); // sent once: nothing retried the POST
        Assert.NotNull(taken.Sid);
        Assert.Equal(taken.Sid, await sender.FindSentAsync("id", message, Now));
    }

    private TwilioSmsSender Sender(Action<TwilioOptions>? configure = null)
    {
        var options = new TwilioOptions { AccountSid = AccountSid, AuthToken = "test-auth-token", FromNumber = OurNumber, ApiBaseUrl = _twilio.BaseUrl };
        configure?.Invoke(options);
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(options));
        services.AddTransient<TwilioApiBaseUrlHandler>();
        services.AddHttpClient(TwilioSmsSender.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = TimeSpan.FromSeconds(10))
            .AddHttpMessageHandler<TwilioApiBaseUrlHandler>();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return new TwilioSmsSender(provider.GetRequiredService<IHttpClientFactory>(), Options.Create(options), _clock);
    }
}
