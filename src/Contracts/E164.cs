using System.Diagnostics.CodeAnalysis;
using PhoneNumbers;

namespace Switchboard.Contracts;

/// <summary>
/// Phone numbers in one canonical form (E.164), read with libphonenumber. Employees are keyed by it, so everything that
/// names an employee by phone (webhook, APIs, import) normalises through here.
/// </summary>
public static class E164
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static bool TryNormalize(string? raw, string defaultRegion, [NotNullWhen(true)] out string? e164)
    {
        e164 = null;
        if (string.IsNullOrWhiteSpace(raw) || raw.Length > 32)
        {
            return false;
        }

        try
        {
            var number = Util.Parse(raw, defaultRegion);
            if (!Util.IsPossibleNumber(number))
            {
                return false;
            }

            e164 = Util.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }
}
