namespace Switchboard.Grains.Conversations;

/// <summary>
/// Twilio's default opt-out and opt-in keywords (OPTOUT and REVOKE joined the opt-out list in 2025); Twilio itself
/// confirms both to the sender on SMS.
/// </summary>
public static class OptOutKeywords
{
    private static readonly HashSet<string> OptOut = new(StringComparer.OrdinalIgnoreCase) { "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE" };
    private static readonly HashSet<string> OptIn = new(StringComparer.OrdinalIgnoreCase) { "START", "UNSTOP", "YES" };

    // Twilio matches the whole message, ignoring case, surrounding blanks and trailing punctuation.
    private static string Keyword(string body) => body.Trim().TrimEnd('.', '!').Trim();

    public static bool IsOptOut(string body) => OptOut.Contains(Keyword(body));

    public static bool IsOptIn(string body) => OptIn.Contains(Keyword(body));
}
