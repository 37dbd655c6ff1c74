namespace Switchboard.Contracts;

/// <summary>Phone numbers never appear in clear in logs: "+15550100001" becomes "+1555***0001".</summary>
public static class PhoneMask
{
    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "(none)";
        }

        return phone.Length <= 8
            ? string.Concat(phone.AsSpan(0, Math.Min(2, phone.Length)), "***")
            : string.Concat(phone.AsSpan(0, 5), "***", phone.AsSpan(phone.Length - 4));
    }
}
