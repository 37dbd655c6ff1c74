using Switchboard.Contracts;

namespace Switchboard.Tests.WhatsApp;

public sealed class TwilioAddressTests
{
    [Theory]
    [InlineData("whatsapp:+61412345678", MessageChannel.WhatsApp, "+61412345678")]
    [InlineData("WhatsApp:+61412345678", MessageChannel.WhatsApp, "+61412345678")]
    [InlineData(" whatsapp:+1 415 523 8886", MessageChannel.WhatsApp, "+14155238886")]
    [InlineData("+61412345678", MessageChannel.Sms, "+61412345678")]
    [InlineData("(415) 523-8886", MessageChannel.Sms, "+14155238886")]
    public void The_channel_is_read_before_the_number_is_normalised(string raw, MessageChannel channel, string e164)
    {
        Assert.True(TwilioAddress.TryParse(raw, "US", out var parsedChannel, out var phone));
        Assert.Equal(channel, parsedChannel);
        Assert.Equal(e164, phone);
    }

    [Theory]
    [InlineData("whatsapp:")]
    [InlineData("whatsapp:hello")]
    [InlineData("")]
    [InlineData(null)]
    public void An_address_without_a_number_is_refused(string? raw) =>
        Assert.False(TwilioAddress.TryParse(raw, "US", out _, out _));

    [Fact]
    public void The_same_person_has_the_same_number_on_both_channels()
    {
        Assert.True(TwilioAddress.TryParse("whatsapp:+61412345678", "US", out _, out var fromWhatsApp));
        Assert.True(TwilioAddress.TryParse("+61412345678", "US", out _, out var fromSms));
        Assert.Equal(fromSms, fromWhatsApp);
    }

    [Fact]
    public void Replies_are_addressed_on_their_channel()
    {
        Assert.Equal("whatsapp:+61412345678", TwilioAddress.For("+61412345678", MessageChannel.WhatsApp));
        Assert.Equal("+61412345678", TwilioAddress.For("+61412345678", MessageChannel.Sms));
    }

    [Theory]
    [InlineData("+15005550007", MessageChannel.Sms, "+15005550007")]
    [InlineData(" 89898 ", MessageChannel.Sms, "89898")] // a short code
    [InlineData("whatsapp:+14155238886", MessageChannel.WhatsApp, null)] // WhatsApp keeps Twilio:WhatsAppFrom
    [InlineData("dev-phone", MessageChannel.Sms, null)]
    [InlineData("", MessageChannel.Sms, null)]
    [InlineData(null, MessageChannel.Sms, null)]
    public void A_reply_goes_from_the_number_the_person_texted_when_it_is_one(string? to, MessageChannel channel, string? sender) =>
        Assert.Equal(sender, TwilioAddress.OwnSender(to, channel));
}
