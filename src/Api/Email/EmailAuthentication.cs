using System.Text.RegularExpressions;

namespace Switchboard.Api.Email;

/// <summary>
/// Whether the sender's domain vouches for a mail, by the verdicts SendGrid's Inbound Parse reports: SPF ("pass") for
/// the envelope sender, DKIM per signing domain ("{@example.com : pass}"). Anyone can write any From address; only
/// a mail that passes one of them may speak for an employee's address.
/// </summary>
public static partial class EmailAuthentication
{
    /// <param name="sender">The normalised address the mail is taken to come from.</param>
    public static bool Passes(string? spf, string? dkim, string sender)
    {
        if (string.Equals(spf?.Trim(), "pass", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var domain = sender[(sender.LastIndexOf('@') + 1)..];
        return dkim is not null && DkimVerdict().Matches(dkim).Any(m =>
            string.Equals(m.Groups["verdict"].Value, "pass", StringComparison.OrdinalIgnoreCase)
            && (domain.Equals(m.Groups["domain"].Value, StringComparison.OrdinalIgnoreCase)
                || domain.EndsWith("." + m.Groups["domain"].Value, StringComparison.OrdinalIgnoreCase)));
    }

    [GeneratedRegex(@"@(?<domain>[^\s:{},@]+)\s*:\s*(?<verdict>[A-Za-z]+)")]
    private static partial Regex DkimVerdict();
}
