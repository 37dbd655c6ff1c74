using System.Globalization;

namespace Switchboard.Grains.Agents;

/// <summary>How hours and dates read in an SMS: short, unambiguous, the same in every reply.</summary>
public static class SmsText
{
    /// <summary>8 → "8h", 7.5 → "7.5h".</summary>
    public static string Hours(decimal hours) => hours.ToString("0.##", CultureInfo.InvariantCulture) + "h";

    /// <summary>"Fri 27 Nov": day names make "which Friday?" obvious without a year.</summary>
    public static string Day(DateOnly date) => date.ToString("ddd d MMM", CultureInfo.InvariantCulture);
}
