using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchboard.Contracts;

/// <summary>
/// Phone numbers never appear in clear in logs: "+15550100001" becomes "+1555***0001". The rule lives here, once:
/// our own log calls use it, and so does the logging layer (Switchboard.Api.Logging) that masks every log line,
/// Orleans' and ASP.NET Core's included.
/// </summary>
/// <remarks>
/// What <see cref="MaskNumbersIn"/> treats as a phone number:
/// <list type="bullet">
/// <item>"+", its URL encoding "%2B" or its JSON escape "\u002B" followed by 7–15 digits (E.164, also inside
/// "whatsapp:+…", grain ids "conversation/+614…", request paths "/admin/conversations/%2B614…" and JSON written by
/// System.Text.Json, which escapes "+": a model prompt of the turn's facts recorded on a span);</item>
/// <item>a bare run of 8–15 digits with no digit or ASCII letter right before or after it ("From=61412345678",
/// guest ids made before they were hashed: "guest-61412345678"). Left alone: digits glued to letters (Twilio SIDs
/// "SM0123…abcdef"), anything under 8 digits (ports, counts, years, durations), the generation in an Orleans silo
/// address ("S127.0.0.1:11111:108123456"), the all-digit first or last group of a GUID. Other long numbers (yyyyMMdd
/// dates, Unix milliseconds, large byte counts) are masked too: the price of never missing a number written without
/// its "+".</item>
/// <item>a storage row key's hash of a number: 8 lowercase hex digits after a "_" that follows a letter or digit
/// ("conversation_1a2b3c4d", "turn_007_1a2b3c4d"), written as "********". Next to a masked number such a hash would give
/// the hidden digits away (ten thousand candidates, one matching hash).</item>
/// </list>
/// Numbers written with separators ("+61 412 345 678") are not recognised; nothing in Switchboard, Twilio or Orleans
/// writes them that way.
/// </remarks>
public static partial class PhoneMask
{
    /// <summary>
    /// "+15550100001" → "+1555***0001": the last four digits and at most four leading ones stay, always hiding at least
    /// three (numbers of up to 7 digits keep only their first digit). Works with or without the "+".
    /// </summary>
    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "(none)";
        }

        var number = NumberPattern().Match(phone);
        if (!number.Success)
        {
            // Not a number (a malformed "From"): keep the old shape, which never shows the middle.
            return phone.Length <= 8
                ? string.Concat(phone.AsSpan(0, Math.Min(2, phone.Length)), "***")
                : string.Concat(phone.AsSpan(0, 5), "***", phone.AsSpan(phone.Length - 4));
        }

        var (prefix, digits) = (number.Groups["prefix"].Value, number.Groups["digits"].Value);
        return digits.Length <= 7
            ? string.Concat(prefix, digits.AsSpan(0, 1), "***")
            : string.Concat(prefix, digits.AsSpan(0, Math.Min(4, digits.Length - 7)), "***", digits.AsSpan(digits.Length - 4));
    }

    /// <summary>
    /// Masks every phone number inside a text (see the remarks on <see cref="PhoneMask"/> for what counts): grain ids
    /// ("+15550100001:SM…:reply"), exception messages that name a grain, Twilio error texts ("The 'To' number +1555…
    /// is not valid"), request paths. Masking a masked text changes nothing.
    /// </summary>
    public static string MaskNumbersIn(string? text) =>
        string.IsNullOrEmpty(text) ? "" : NumbersInTextPattern().Replace(text, m => m.Groups["hash"].Success ? "********" : Mask(m.Value));

    /// <summary>Whether <see cref="MaskNumbersIn"/> would change the text (cheaper than masking: no allocation).</summary>
    public static bool HasNumbersIn(string? text) => !string.IsNullOrEmpty(text) && NumbersInTextPattern().IsMatch(text);

    /// <summary>
    /// A value as a log record or a span attribute exports it (strings and arrays item by item, other non-primitive
    /// values as their text), numbers masked; the value itself when it carries none (numbers, bytes, clean text).
    /// </summary>
    public static object? MaskNumbersInValue(object? value)
    {
        switch (value)
        {
            case null or bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or byte[]:
                return value;
            case string text:
                return HasNumbersIn(text) ? MaskNumbersIn(text) : text;
            case IEnumerable items:
                var texts = items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)).ToArray();
                return texts.Any(HasNumbersIn) ? texts.Select(MaskNumbersIn).ToArray() : value;
            default:
                var formatted = Convert.ToString(value, CultureInfo.InvariantCulture);
                return HasNumbersIn(formatted) ? MaskNumbersIn(formatted) : value;
        }
    }

    /// <summary>What a log may say about a failure: its type and message, numbers masked (never the raw exception).</summary>
    public static string Describe(Exception exception) => $"{exception.GetType().Name}: {MaskNumbersIn(exception.Message)}";

    [GeneratedRegex(@"^(?<prefix>\+|%2[Bb]|\\u002[Bb])?(?<digits>[0-9]+)$")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(
        @"(?:\+|%2[Bb]|\\u002[Bb])[0-9]{7,15}" +
        @"|(?<![0-9A-Za-z])(?<![0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}:[0-9]{1,5}:)(?<!-[0-9A-Fa-f]{4}-)" +
        @"[0-9]{8,15}(?![0-9A-Za-z])(?!-[0-9A-Fa-f]{4}-)" +
        @"|(?<=[0-9a-z]_)(?<hash>[0-9a-f]{8})(?![0-9A-Za-z])",
        RegexOptions.CultureInvariant)]
    private static partial Regex NumbersInTextPattern();
}
