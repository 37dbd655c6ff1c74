using System.Globalization;
using System.Text;

namespace Switchboard.Grains.Agents;

/// <summary>
/// The GSM-7 alphabet SMS uses by default. One character outside it (a smart quote, an en dash) turns the whole
/// message into UCS-2, cutting a segment from 160 to 70 characters: replies are normalised into it where possible.
/// </summary>
public static class Gsm7
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /// <summary>Characters sent as an escape plus a code: two septets each.</summary>
    private const string Extension = "^{}\\[~]|€\f";

    private static readonly Dictionary<char, string> Replacements = new()
    {
        ['\u2018'] = "'", ['\u2019'] = "'", ['\u201A'] = "'", ['\u201B'] = "'", ['\u2032'] = "'", ['`'] = "'", ['\u00B4'] = "'",
        ['\u201C'] = "\"", ['\u201D'] = "\"", ['\u201E'] = "\"", ['\u201F'] = "\"", ['\u2033'] = "\"", ['\u00AB'] = "\"", ['\u00BB'] = "\"",
        ['\u2010'] = "-", ['\u2011'] = "-", ['\u2012'] = "-", ['\u2013'] = "-", ['\u2014'] = "-", ['\u2015'] = "-", ['\u2212'] = "-",
        ['\u2026'] = "...", ['\u2022'] = "-", ['\u00B7'] = "-", ['\u00D7'] = "x", ['\u00F7'] = "/", ['\t'] = " ",
        ['\u00A0'] = " ", ['\u2007'] = " ", ['\u202F'] = " ", ['\u205F'] = " ", ['\u3000'] = " ",
        ['\u200B'] = "", ['\u200C'] = "", ['\u200D'] = "", ['\u2060'] = "", ['\uFEFF'] = "",
    };

    public static bool IsGsm7(string text) => text.All(c => Basic.Contains(c) || Extension.Contains(c));

    /// <summary>Replaces look-alikes (quotes, dashes, ellipsis, odd spaces, accents GSM-7 lacks) with GSM-7 characters; leaves the rest (emoji).</summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (Basic.Contains(c) || Extension.Contains(c))
            {
                sb.Append(c);
            }
            else if (Replacements.TryGetValue(c, out var replacement))
            {
                sb.Append(replacement);
            }
            else if (c is >= '\u2000' and <= '\u200A')
            {
                sb.Append(' '); // en/em/thin/hair spaces
            }
            else
            {
                sb.Append(WithoutAccent(c));
            }
        }

        return sb.ToString();
    }

    /// <summary>How many SMS segments the text takes: GSM-7 160, or 153 each when split; UCS-2 70, or 67 each.</summary>
    public static int Segments(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        if (IsGsm7(text))
        {
            var septets = text.Sum(c => Extension.Contains(c) ? 2 : 1);
            return septets <= 160 ? 1 : (septets + 152) / 153;
        }

        return text.Length <= 70 ? 1 : (text.Length + 66) / 67;
    }

    /// <summary>Longest text (in characters) that fits in <paramref name="segments"/> segments of the given encoding.</summary>
    public static int Capacity(int segments, bool gsm7) =>
        gsm7 ? (segments <= 1 ? 160 : 153 * segments) : (segments <= 1 ? 70 : 67 * segments);

    /// <summary>"á" → "a" when the base letter is GSM-7 (and the accented one is not); anything else unchanged.</summary>
    private static string WithoutAccent(char c)
    {
        if (char.IsSurrogate(c))
        {
            return c.ToString(); // half of an emoji: nothing to simplify, and Normalize would throw on it alone
        }

        var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
        var bare = new string([.. decomposed.Where(d => CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark)]);
        return bare.Length == 1 && Basic.Contains(bare[0]) ? bare : c.ToString();
    }
}
