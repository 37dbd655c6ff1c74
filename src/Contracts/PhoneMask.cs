using System.Text.RegularExpressions;

namespace Switchboard.Contracts;

/// <summary>Phone numbers never appear in clear in logs: "+15550100001" becomes "+1555***0001".</summary>
public static partial class PhoneMask
{
    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "(none)";
        }

        return phone.Length <= 8
            ? string.Concat(phone.AsSpan(0, Math.Min(2, phone.Length)), "***")
            : string.Concat(phone.AsSpan(0, 5), "***", phone.AsSpan(phone.Length - 4));
    }

    /// <summary>
    /// Masks every E.164 number inside a text: grain ids ("+15550100001:SM…:reply"), exception messages that name a
    /// grain, Twilio error texts ("The 'To' number +1555… is not valid").
    /// </summary>
    public static string MaskNumbersIn(string? text) =>
        string.IsNullOrEmpty(text) ? "" : E164Pattern().Replace(text, m => Mask(m.Value));

    /// <summary>What a log may say about a failure: its type and message, numbers masked (never the raw exception).</summary>
    public static string Describe(Exception exception) => $"{exception.GetType().Name}: {MaskNumbersIn(exception.Message)}";

    [GeneratedRegex(@"\+\d{7,15}")]
    private static partial Regex E164Pattern();
}
