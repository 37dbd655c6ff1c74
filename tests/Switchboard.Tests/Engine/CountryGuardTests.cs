using Switchboard.Contracts;
using Switchboard.Grains.Guard;

namespace Switchboard.Tests.Engine;

/// <summary>Which numbers the service answers, without a silo.</summary>
public sealed class CountryGuardTests
{
    [Theory]
    [InlineData("+61412345678", "AU")]
    [InlineData("+447700900123", "GB")]
    [InlineData("+18765550100", "JM")] // +1, but Jamaica: a premium-rate favourite, not the US
    [InlineData("+15550100001", "US")] // no region claims +1 555: its country code's main region
    public void A_number_has_the_region_of_its_country(string number, string region) => Assert.Equal(region, E164.RegionOf(number));

    [Fact]
    public void Without_a_list_the_service_answers_the_regions_of_its_number_and_of_the_default()
    {
        Assert.Equal(["AU", "US"], new GuardOptions().Regions("+61412345678", "US").Order());
        Assert.Equal(["AU", "NZ"], new GuardOptions { AllowedCountries = "au, NZ" }.Regions("+15005550006", "US").Order());
    }
}
