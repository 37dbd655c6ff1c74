namespace Switchboard.Contracts;

/// <summary>Time zones are IANA ids ("Australia/Sydney"), checked against the machine's time zone database.</summary>
public static class EmployeeTimeZone
{
    public static bool IsKnown(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
