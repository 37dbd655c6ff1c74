using System.Globalization;

namespace Switchboard.Api.Ops;

/// <summary>How the console writes times and durations: UTC, to the second, the same on every page.</summary>
internal static class OpsFormat
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Duration(double milliseconds) =>
        milliseconds < 1000 ? $"{milliseconds.ToString("0", CultureInfo.InvariantCulture)} ms" : $"{(milliseconds / 1000).ToString("0.0", CultureInfo.InvariantCulture)} s";
}
