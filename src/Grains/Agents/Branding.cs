using Microsoft.Extensions.Options;

namespace Switchboard.Grains.Agents;

/// <summary>The company's voice on any outgoing text (replies and reminders): tone, sign-off, GSM-7 where possible.</summary>
public sealed class Branding(IOptions<BrandingOptions> options)
{
    public const string GuestName = "Guest";

    public string Apply(string draft, string? employeeName)
    {
        var o = options.Value;
        var text = draft.Trim();
        if (o.Tone == BrandingTone.Friendly && FirstName(employeeName) is { } first)
        {
            text = $"Hi {first}! {text}";
        }

        var signOff = o.SignOff.Replace("{CompanyName}", o.CompanyName, StringComparison.Ordinal).Trim();
        if (signOff.Length > 0)
        {
            text = $"{text} {signOff}";
        }

        return Gsm7.Normalize(text);
    }

    private static string? FirstName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name == GuestName ? null : name.Trim().Split(' ')[0];
}
