using System.Text;

namespace Switchboard.Grains.Agents.Rules;

/// <summary>One word of an SMS: as typed (project names keep their case) and lower-cased for matching.</summary>
internal readonly record struct Word(string Text, string Lower)
{
    /// <summary>
    /// Splits an SMS into words, dropping punctuation except where it is part of a value: "7.5", "7:30",
    /// "2026-11-27", "-3", "Apollo-2", "R&amp;D". Apostrophes vanish ("what's" → "whats"); "7,5" reads as 7.5.
    /// </summary>
    public static IReadOnlyList<Word> Split(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var prev = i > 0 ? text[i - 1] : ' ';
            var next = i + 1 < text.Length ? text[i + 1] : ' ';
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (c is '\'' or '\u2019' or '\u2018')
            {
                // dropped: "what's" → "whats"
            }
            else if (c is '.' or ':' or ',' && char.IsDigit(prev) && char.IsDigit(next))
            {
                sb.Append(c == ',' ? '.' : c);
            }
            else if (c is '-' && char.IsDigit(next) && !char.IsLetterOrDigit(prev))
            {
                sb.Append(c); // a minus sign, so "-3h" is refused rather than read as 3h
            }
            else if (c is '-' or '&' or '/' && char.IsLetterOrDigit(prev) && char.IsLetterOrDigit(next))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append(' ');
            }
        }

        return [.. sb.ToString()
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new Word(w, w.ToLowerInvariant()))];
    }
}
