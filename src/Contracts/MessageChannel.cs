namespace Switchboard.Contracts;

/// <summary>
/// How a person wrote to us, and so how they are answered. The person is the same on every channel (one E.164
/// number, one employee, one timesheet, one conversation); only the address and the carrier's rules differ.
/// </summary>
[GenerateSerializer, Alias("Switchboard.MessageChannel")]
public enum MessageChannel
{
    /// <summary>A text message to and from a plain number (the default of everything stored before WhatsApp).</summary>
    Sms = 0,

    /// <summary>WhatsApp through Twilio: addresses are "whatsapp:+…"; free-form messages only within 24 hours of the person's last one.</summary>
    WhatsApp = 1,

    /// <summary>
    /// Email through SendGrid (Inbound Parse in, Mail Send out): the person's registered address stands in for the
    /// number; no SMS segment rules, a reply threads under the mail it answers.
    /// </summary>
    Email = 2,
}
