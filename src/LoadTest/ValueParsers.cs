using System.Globalization;

namespace Switchboard.LoadTest;

/// <summary>Parses "30s", "2m", "500ms", "1h" or a bare number of seconds; and "200/s" or "200" as a rate.</summary>
public static class ValueParsers
{
    public static bool TryParseDuration(string text, out TimeSpan duration) => TryParseDuration(text, allowZero: false, out duration);

    /// <summary>A duration such as 30s, 500ms, 2m or 1h; zero only where <paramref name="allowZero"/> (a warm-up may be none).</summary>
    public static bool TryParseDuration(string text, bool allowZero, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        (string number, double scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60),
            _ when text.EndsWith('h') || text.EndsWith('H') => (text[..^1], 3600),
            _ => (text, 1),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || (value == 0 && !allowZero) || double.IsInfinity(value))
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * scale);
        return true;
    }

    /// <summary>An absolute http(s) URL on a loopback host.</summary>
    public static bool TryParseLoopbackUrl(string text, out Uri url) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out url!) && url.Scheme is "http" or "https" && url.IsLoopback;

    public static bool TryParseRate(string text, out double perSecond)
    {
        text = text.Trim();
        if (text.EndsWith("/s", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^2];
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out perSecond) && perSecond > 0 && !double.IsInfinity(perSecond);
    }
}
