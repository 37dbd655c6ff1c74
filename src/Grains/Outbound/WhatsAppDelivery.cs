using System.Text;
using System.Text.Json;
using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>
/// How a WhatsApp message may go at this moment. WhatsApp allows free-form text only within 24 hours of the person's
/// last message; after that only an approved template. Twilio would accept the request and fail it later (error
/// 63016), so a message that cannot go is decided here and never attempted.
/// </summary>
public static class WhatsAppDelivery
{
    /// <summary>Meta refuses template variables longer than this (the whole template body is at most 1,024 characters).</summary>
    public const int MaxVariableLength = 900;

    /// <summary>The message to hand to the carrier (the text, or the template in its place), or null and why not.</summary>
    public static (OutboundSms? Message, string? NotSentReason) Prepare(OutboundSms message, ChannelContact contact, DateTimeOffset now, TwilioOptions twilio)
    {
        var toSend = message;
        if (!contact.WhatsAppWindowOpen(now))
        {
            if (twilio.WhatsAppReminderContentSid is not { Length: > 0 } contentSid)
            {
                var last = contact.LastWhatsAppAt is { } at ? $"last WhatsApp message from the person at {at:u}" : "no WhatsApp message from the person";
                return (null, $"outside WhatsApp's 24-hour window ({last}) and no template configured (Twilio:WhatsAppReminderContentSid)");
            }

            toSend = message with { Template = new WhatsAppTemplate(contentSid, Variables(message.Body)) };
        }

        if (twilio.WhatsAppFrom is not { Length: > 0 } && twilio.MessagingServiceSid is not { Length: > 0 })
        {
            return (null, "no WhatsApp sender configured (Twilio:WhatsAppFrom or Twilio:MessagingServiceSid)");
        }

        return (toSend, null);
    }

    /// <summary>
    /// The template's variables as Twilio's ContentVariables JSON: {{1}} is the message text on one line, since Meta
    /// refuses variables with line breaks, tabs or runs of spaces.
    /// </summary>
    public static string Variables(string body)
    {
        var text = new StringBuilder(body.Length);
        foreach (var c in body)
        {
            var ch = char.IsWhiteSpace(c) ? ' ' : c;
            if (ch != ' ' || (text.Length > 0 && text[^1] != ' '))
            {
                text.Append(ch);
            }
        }

        var line = text.ToString().Trim();
        if (line.Length > MaxVariableLength)
        {
            line = string.Concat(line.AsSpan(0, MaxVariableLength - 1), "…");
        }

        return JsonSerializer.Serialize(new Dictionary<string, string> { ["1"] = line });
    }
}
