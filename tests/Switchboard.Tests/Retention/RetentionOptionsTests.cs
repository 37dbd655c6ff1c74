using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Grains;
using Switchboard.Grains.Retention;

namespace Switchboard.Tests.Retention;

public sealed class RetentionOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Twilio:AuthToken", "token");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddSwitchboardGrains(configuration, isDevelopment: true).BuildServiceProvider();
    }

    [Fact]
    public void Texts_are_kept_30_days_unless_configured()
    {
        using var defaults = Services([]);
        using var configured = Services(new() { ["Retention:Days"] = "7" });

        Assert.Equal(TimeSpan.FromDays(30), defaults.GetRequiredService<IOptions<RetentionOptions>>().Value.Retention);
        Assert.Equal(TimeSpan.FromDays(7), configured.GetRequiredService<IOptions<RetentionOptions>>().Value.Retention);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void A_retention_under_one_day_stops_the_host(string days)
    {
        using var services = Services(new() { ["Retention:Days"] = days });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RetentionOptions>>().Value);
        Assert.Contains("Retention:Days", error.Message, StringComparison.Ordinal);
    }
}
