using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>What the gate before an attempt decided: whether anything may go now, and what.</summary>
public abstract record GateDecision
{
    /// <summary>The person opted out after the message was written: it is withheld for good.</summary>
    public sealed record Suppress : GateDecision;

    /// <summary>The sender's previous message has not settled: this one waits behind it, so replies keep their order.</summary>
    public sealed record Wait : GateDecision;

    /// <summary>It cannot go as asked (a WhatsApp message outside the 24-hour window without a template).</summary>
    public sealed record NotSent(string Reason) : GateDecision;

    /// <summary>It may go, as <see cref="Message"/> (the text, or the WhatsApp template in its place).</summary>
    public sealed record Send(OutboundSms Message) : GateDecision;
}

/// <summary>
/// The checks before each attempt, asked again at every attempt: the person may have opted out meanwhile, the previous
/// reply may still be retrying, a retry may have crossed the end of WhatsApp's window.
/// </summary>
public static class SendGate
{
    public static GateDecision Decide(OutboundSms message, ChannelContact contact, bool predecessorSettled, DateTimeOffset now, TwilioOptions twilio)
    {
        // A message ends only after the one before it has ended, even one that will be withheld: the sender watches
        // only its last message, which keeps asking the one before it, and so on, so none is left waiting for nobody.
        if (!predecessorSettled)
        {
            return new GateDecision.Wait();
        }

        if (contact.OptedOut && !message.ConfirmsOptOut)
        {
            return new GateDecision.Suppress();
        }

        if (message.Channel != MessageChannel.WhatsApp)
        {
            return new GateDecision.Send(message);
        }

        var (toSend, reason) = WhatsAppDelivery.Prepare(message, contact, now, twilio);
        return toSend is null ? new GateDecision.NotSent(reason!) : new GateDecision.Send(toSend);
    }
}
