using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Api.Email;

/// <summary>
/// What a person wrote in a plain-text email, without what their mail client added below it: quoted earlier mail
/// (lines starting with "&gt;", the "On … wrote:" line and everything after it, Outlook's "-----Original
/// Message-----" and after) and a signature after the "-- " line. The planner reads only this, so a request quoted from
/// an earlier mail is never carried out again.
/// </summary>
public static partial class EmailReplyText
{
    public static string NewText(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var kept = new StringBuilder(text.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.TrimEnd() == "--" || OriginalMessage().IsMatch(line) || Attribution(line, i + 1 < lines.Length ? lines[i + 1] : null))
            {
                break; // everything below is the signature or the earlier mail
            }

            if (!line.TrimStart().StartsWith('>'))
            {
                kept.Append(line).Append('\n');
            }
        }

        return kept.ToString().Trim();
    }

    /// <summary>"On Mon, 7 Dec 2026 at 09:12, Ann &lt;ann@example.com&gt; wrote:", which clients may wrap over two lines.</summary>
    private static bool Attribution(string line, string? next) =>
        WroteLine().IsMatch(line) || (next is not null && line.TrimStart().StartsWith("On ", StringComparison.Ordinal) && WroteLine().IsMatch($"{line} {next}"));

    [GeneratedRegex(@"^\s*On\s.+\swrote:\s*$")]
    private static partial Regex WroteLine();

    [GeneratedRegex(@"^\s*-{2,}\s*Original Message\s*-{2,}\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessage();
}
