using System.Globalization;
using System.Text;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// What the agents read of a message. Twilio delivers whatever the person typed (control characters, broken surrogate
/// pairs, WhatsApp texts of 4,096 characters) and the message is kept as received; the planner gets it cleaned and
/// bounded, so no text can make a step fail or an LLM prompt grow without limit.
/// </summary>
public static class InboundText
{
    /// <summary>The longest text the agents read (a concatenated SMS); the rest of a longer message is not planned.</summary>
    public const int MaxLength = 1600;

    /// <summary>
    /// Control and format characters and unpaired surrogates become spaces; the text is cut at <see cref="MaxLength"/>,
    /// before the word the cut would split (a project name cut short would be logged as another project).
    /// </summary>
    public static string ForAgents(string body)
    {
        var text = new StringBuilder(Math.Min(body.Length, MaxLength));
        var i = 0;
        for (; i < body.Length && text.Length < MaxLength; i++)
        {
            var c = body[i];
            if (char.IsHighSurrogate(c) && i + 1 < body.Length && char.IsLowSurrogate(body[i + 1]))
            {
                text.Append(c).Append(body[++i]);
            }
            else
            {
                text.Append(IsReadable(c) ? c : ' ');
            }
        }

        if (i < body.Length && !char.IsWhiteSpace(body[i]))
        {
            var wordStart = LastWhiteSpace(text);
            if (wordStart > 0)
            {
                text.Length = wordStart;
            }
        }

        return text.ToString();
    }

    private static int LastWhiteSpace(StringBuilder text)
    {
        for (var i = text.Length - 1; i >= 0; i--)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsReadable(char c) =>
        !char.IsControl(c) && !char.IsSurrogate(c) && char.GetUnicodeCategory(c) != UnicodeCategory.Format;
}
