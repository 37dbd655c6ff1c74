using Switchboard.Contracts;
using Switchboard.Grains.Outbound;

namespace Switchboard.Tests.Engine;

/// <summary>The checks before each attempt, and Twilio's status callbacks, without a silo.</summary>
public sealed class SendGateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly TwilioOptions Twilio = new() { FromNumber = "+15005550006" };
    private static readonly OutboundSms Reply = new("+15550100001", "hello", "reply");
    private static readonly ChannelContact Sms = new(MessageChannel.Sms, null);

    [Fact]
    public void A_message_waits_for_the_one_before_it_even_when_it_will_be_withheld()
    {
        Assert.IsType<GateDecision.Wait>(SendGate.Decide(Reply, Sms with { OptedOut = true }, predecessorSettled: false, Now, Twilio));
        Assert.IsType<GateDecision.Suppress>(SendGate.Decide(Reply, Sms with { OptedOut = true }, predecessorSettled: true, Now, Twilio));
    }

    [Fact]
    public void Only_the_opt_out_confirmation_goes_to_a_number_that_opted_out()
    {
        var confirmation = Reply with { ConfirmsOptOut = true };

        Assert.IsType<GateDecision.Send>(SendGate.Decide(confirmation, Sms with { OptedOut = true }, predecessorSettled: true, Now, Twilio));
    }

    [Fact]
    public void A_WhatsApp_message_outside_the_window_without_a_template_is_not_sent()
    {
        var whatsApp = Reply with { Channel = MessageChannel.WhatsApp };
        var contact = new ChannelContact(MessageChannel.WhatsApp, Now.AddHours(-25));

        Assert.IsType<GateDecision.NotSent>(SendGate.Decide(whatsApp, contact, predecessorSettled: true, Now, new TwilioOptions { FromNumber = "+15005550006", WhatsAppFrom = "whatsapp:+15005550006" }));
    }

    [Fact]
    public void Status_callbacks_never_move_a_message_back_and_repeats_change_nothing()
    {
        var state = new OutboundState { Message = Reply, Status = DeliveryStatus.Pending };

        Assert.True(TwilioStatusReport.Apply(state, "delivered", null, "SM1")); // Twilio took it though no attempt saw it
        Assert.Equal(DeliveryStatus.Delivered, state.Status);
        Assert.Equal("SM1", state.TwilioSid);
        Assert.False(TwilioStatusReport.Apply(state, "sent", null, "SM1"));
        Assert.False(TwilioStatusReport.Apply(state, "delivered", null, "SM1"));
        Assert.Equal(DeliveryStatus.Delivered, state.Status);
    }
}
