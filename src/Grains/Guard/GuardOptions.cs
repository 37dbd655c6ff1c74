using System.ComponentModel.DataAnnotations;
using Switchboard.Contracts;

namespace Switchboard.Grains.Guard;

/// <summary>
/// Configuration section "Guard": what keeps the service from buying SMS for toll fraud ("SMS pumping": bots text
/// from premium-rate ranges, and each inbound message buys an outbound one).
/// </summary>
public sealed class GuardOptions
{
    public const string Section = "Guard";

    /// <summary>
    /// ISO 3166 region codes replies may go to, separated by commas ("AU,NZ"), or "*" for every country. Empty: the
    /// regions of Twilio:FromNumber and Webhook:DefaultRegion. A message from elsewhere is acknowledged and recorded,
    /// runs no agent step and is not answered.
    /// </summary>
    public string? AllowedCountries { get; set; }

    /// <summary>Most replies, all senders together, to numbers no operator registered (guests included) per window.</summary>
    [Range(0, 1_000_000)]
    public int UnregisteredReplies { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan UnregisteredWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The regions served: <see cref="AllowedCountries"/>, or the defaults it names.</summary>
    public IReadOnlySet<string> Regions(string? fromNumber, string defaultRegion)
    {
        var listed = (AllowedCountries ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (listed.Length > 0)
        {
            return listed.Select(r => r.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        }

        IEnumerable<string?> defaults = [fromNumber is { Length: > 0 } from ? E164.RegionOf(from) : null, defaultRegion.ToUpperInvariant()];
        return defaults.OfType<string>().ToHashSet(StringComparer.Ordinal);
    }
}
