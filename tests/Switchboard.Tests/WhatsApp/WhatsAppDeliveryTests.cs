using System.Text.Json;
using Switchboard.Contracts;
using Switchboard.Grains.Outbound;

namespace Switchboard.Tests.WhatsApp;

public sealed class WhatsAppDeliveryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly OutboundSms Reply = new("+61412345678", "Week of Mon 23 Nov:\nApollo 2h.  Total: 2h.", "reply") { Channel = MessageChannel.WhatsApp };

    private static TwilioOptions Options(string? template = null, string? from = "whatsapp:+14155238886", string? service = null) =>
        new() { AuthToken = "t", WhatsAppFrom = from, MessagingServiceSid = service, WhatsAppReminderContentSid = template };

    [Fact]
    public void Inside_the_window_the_text_goes()
    {
        var (message, reason) = WhatsAppDelivery.Prepare(Reply, new(MessageChannel.WhatsApp, Now.AddHours(-23.9)), Now, Options("HX0123456789abcdef0123456789abcdef"));

        Assert.Same(Reply, message);
        Assert.Null(reason);
    }

    [Fact]
    public void Outside_the_window_the_template_goes_with_the_text_on_one_line()
    {
        var (message, _) = WhatsAppDelivery.Prepare(Reply, new(MessageChannel.WhatsApp, Now.AddHours(-24)), Now, Options("HX0123456789abcdef0123456789abcdef"));

        Assert.Equal("HX0123456789abcdef0123456789abcdef", message?.Template?.ContentSid);
        var variables = JsonSerializer.Deserialize<Dictionary<string, string>>(message!.Template!.ContentVariables);
        Assert.Equal("Week of Mon 23 Nov: Apollo 2h. Total: 2h.", variables?["1"]);
    }

    [Fact]
    public void Outside_the_window_without_a_template_nothing_goes_and_the_reason_says_why()
    {
        var (message, reason) = WhatsAppDelivery.Prepare(Reply, new(MessageChannel.WhatsApp, Now.AddDays(-3)), Now, Options());

        Assert.Null(message);
        Assert.Contains("24-hour window", reason, StringComparison.Ordinal);
        Assert.Contains("Twilio:WhatsAppReminderContentSid", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_WhatsApp_sender_nothing_goes_unless_a_messaging_service_sends_it()
    {
        var open = new ChannelContact(MessageChannel.WhatsApp, Now.AddMinutes(-5));

        var (none, reason) = WhatsAppDelivery.Prepare(Reply, open, Now, Options(from: null));
        var (viaService, _) = WhatsAppDelivery.Prepare(Reply, open, Now, Options(from: null, service: "MG0123456789abcdef0123456789abcdef"));

        Assert.Null(none);
        Assert.Contains("Twilio:WhatsAppFrom", reason, StringComparison.Ordinal);
        Assert.Same(Reply, viaService);
    }

    [Fact]
    public void A_long_text_is_cut_to_what_a_template_variable_may_hold() =>
        Assert.Equal(WhatsAppDelivery.MaxVariableLength, JsonSerializer.Deserialize<Dictionary<string, string>>(WhatsAppDelivery.Variables(new string('a', 2000)))!["1"].Length);
}
