using System.Diagnostics.CodeAnalysis;
using System.Net.Mail;

namespace Switchboard.Contracts;

/// <summary>
/// Email addresses in one form, as the directory keys them: the bare address ("Ann &lt;Ann@Example.com&gt;" is
/// "ann@example.com"), lower case, since mail systems do not tell "Ann@" from "ann@" in practice.
/// </summary>
public static class EmailAddress
{
    public const int MaxLength = 254;

    public static bool TryNormalize(string? raw, [NotNullWhen(true)] out string? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > 2 * MaxLength || !MailAddress.TryCreate(raw.Trim(), out var parsed)
            || parsed.Address.Length > MaxLength || parsed.Host.Length == 0)
        {
            return false;
        }

        address = parsed.Address.ToLowerInvariant();
        return true;
    }
}
