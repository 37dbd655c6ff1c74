using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Switchboard.Contracts;

/// <summary>
/// Twilio's message addresses: "+61412345678" for SMS, "whatsapp:+61412345678" for WhatsApp. libphonenumber reads the
/// "whatsapp:" address as the plain number, so the channel is read here before the number is normalised.
/// </summary>
public static partial class TwilioAddress
{
    public const string WhatsAppPrefix = "whatsapp:";

    /// <summary>Splits an address into its channel and the person's E.164 number.</summary>
    public static bool TryParse(string? raw, string defaultRegion, out MessageChannel channel, [NotNullWhen(true)] out string? e164)
    {
        channel = MessageChannel.Sms;
        var number = raw?.Trim();
        if (number is not null && number.StartsWith(WhatsAppPrefix, StringComparison.OrdinalIgnoreCase))
        {
            channel = MessageChannel.WhatsApp;
            number = number[WhatsAppPrefix.Length..];
        }

        return E164.TryNormalize(number, defaultRegion, out e164);
    }

    /// <summary>The address Twilio expects for this number on this channel.</summary>
    public static string For(string e164, MessageChannel channel) =>
        channel == MessageChannel.WhatsApp ? WhatsAppPrefix + e164 : e164;

    /// <summary>
    /// Which of our numbers a reply to a message goes from: the inbound To of an SMS (Twilio posts only for numbers of
    /// ours, and the signature vouches for it), a long code in E.164 or a short code; null for WhatsApp, which keeps
    /// its own sender, and for anything else (the dev phone), which falls back to Twilio:FromNumber.
    /// </summary>
    public static string? OwnSender(string? to, MessageChannel channel) =>
        channel == MessageChannel.Sms && to?.Trim() is { } number && OwnNumber().IsMatch(number) ? number : null;

    [GeneratedRegex(@"^(\+[1-9][0-9]{6,14}|[0-9]{3,8})$")]
    private static partial Regex OwnNumber();
}
