using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Grains;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.Tokens;

namespace Switchboard.Tests.Agents;

public sealed class TokenBudgetSettingsTests
{
    [Theory]
    [InlineData("Agents:MaxTokensPerTurn", "0")]
    [InlineData("Agents:DailyTokenBudget", "-1")]
    public void A_budget_below_one_token_stops_the_host(string key, string value)
    {
        using var services = Services(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AgentOptions>>().Value);
        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_silo_counts_its_own_spend_at_once_the_others_when_reported_and_starts_each_UTC_day_afresh()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 23, 59, 0, TimeSpan.Zero));
        using var services = Services(new() { ["Agents:Provider"] = "OpenAI", ["Agents:DailyTokenBudget"] = "1000" }, clock);
        var budget = services.GetRequiredService<DailyTokenBudget>();

        budget.Spend(600);
        Assert.False(budget.IsSpent);
        var (day, tokens) = budget.TakeUnreported();
        budget.Reported(day, tokens + 300); // the cluster's total: another silo spent 300 meanwhile
        Assert.False(budget.IsSpent);
        budget.Spend(100); // this silo's, not yet reported
        Assert.True(budget.IsSpent);

        clock.Advance(TimeSpan.FromMinutes(1)); // midnight UTC
        Assert.False(budget.IsSpent);
        Assert.Equal((new DateOnly(2026, 12, 8), 0L), budget.TakeUnreported());
    }

    [Fact]
    public void With_the_Rules_provider_there_is_no_daily_budget_to_keep()
    {
        using var services = Services(new() { ["Agents:DailyTokenBudget"] = "1" });
        var budget = services.GetRequiredService<DailyTokenBudget>();

        budget.Spend(10);

        Assert.Null(budget.Limit);
        Assert.False(budget.IsSpent);
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings, TimeProvider? clock = null)
    {
        settings.TryAdd("Twilio:AuthToken", "token");
        settings.TryAdd("Agents:OpenAI:Endpoint", "http://127.0.0.1:1234/v1");
        settings.TryAdd("Agents:OpenAI:Model", "test-model");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        return services.AddSwitchboardGrains(configuration, isDevelopment: true).BuildServiceProvider();
    }
}
