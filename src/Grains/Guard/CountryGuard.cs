using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Grains.Guard;

/// <summary>Whether the service answers a number: only numbers of the countries it serves (Guard:AllowedCountries).</summary>
public sealed class CountryGuard(IOptions<GuardOptions> guard, IOptions<TwilioOptions> twilio, IConfiguration configuration)
{
    private readonly IReadOnlySet<string> _regions = guard.Value.Regions(twilio.Value.FromNumber, configuration["Webhook:DefaultRegion"] ?? "US");

    public IReadOnlySet<string> Regions => _regions;

    public bool Serves(string e164) => _regions.Contains(EveryCountry) || (E164.RegionOf(e164) is { } region && _regions.Contains(region));

    /// <summary>Guard:AllowedCountries "*": no country is refused (Development, where any number may try the service).</summary>
    public const string EveryCountry = "*";
}
