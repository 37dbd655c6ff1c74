namespace Switchboard.Tests.Browser;

/// <summary>
/// The browser the browser tests drive: Debian's Chromium, which ./test.sh installs (apt) when it is missing, or the
/// one named by SWITCHBOARD_CHROMIUM. Playwright's own browser download is not used.
/// </summary>
internal static class Chromium
{
    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("SWITCHBOARD_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"No Chromium at {path}: run ./test.sh (it installs Debian's chromium) or set SWITCHBOARD_CHROMIUM.");
        }
    }
}
