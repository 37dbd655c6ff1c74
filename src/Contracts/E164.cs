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

    /// <summary>
    /// The ISO 3166 region of a number ("AU", "GB"; "JM" for a Jamaican +1 876 number), or, for a number no region
    /// claims (a fictional +1 555 one), the main region of its country code; null when it cannot be parsed.
    /// </summary>
    public static string? RegionOf(string e164)
    {
        try
        {
            var number = Util.Parse(e164, null);
            var region = Util.GetRegionCodeForNumber(number) ?? Util.GetRegionCodeForCountryCode(number.CountryCode);
            return region is { Length: 2 } and not "ZZ" ? region : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

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
