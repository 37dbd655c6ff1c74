using System.Globalization;

namespace Switchboard.Grains.Agents;

/// <summary>How hours and dates read in an SMS: short, unambiguous, the same in every reply.</summary>
public static class SmsText
{
    /// <summary>8 → "8h", 7.5 → "7.5h".</summary>
    public static string Hours(decimal hours) => hours.ToString("0.##", CultureInfo.InvariantCulture) + "h";

    /// <summary>
    /// "Fri 27 Nov": day names make "which Friday?" obvious without a year, as long as the date is in the sender's
    /// current year; a date in another year names it ("Wed 10 Dec 2025"), else its weekday looks wrong.
    /// </summary>
    public static string Day(DateOnly date, DateOnly today) =>
        date.ToString(date.Year == today.Year ? "ddd d MMM" : "ddd d MMM yyyy", CultureInfo.InvariantCulture);
}
