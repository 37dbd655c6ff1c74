using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Grains;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.Rules;
using Switchboard.Grains.Timesheets;

namespace Switchboard.Tests.Employees;

public sealed class EmployeeConfigurationTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings.TryAdd("Twilio:AuthToken", "token");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddSwitchboardGrains(configuration, isDevelopment: true).BuildServiceProvider();
    }

    [Fact]
    public void Binds_the_timesheet_settings()
    {
        using var services = Services(new()
        {
            ["Timesheet:TimeZone"] = "Europe/London",
            ["Timesheet:WeekStartsOn"] = "Sunday",
            ["Timesheet:Projects:0"] = "Apollo",
            ["Timesheet:Projects:1"] = "Zeus",
            ["Timesheet:ReminderDay"] = "Thursday",
            ["Timesheet:ReminderTime"] = "09:30",
            ["Timesheet:ReminderCheckPeriod"] = "00:15:00",
        });

        var options = services.GetRequiredService<IOptions<TimesheetOptions>>().Value;

        Assert.Equal("Europe/London", options.TimeZone);
        Assert.Equal(DayOfWeek.Sunday, options.WeekStartsOn);
        Assert.Equal(["Apollo", "Zeus"], options.Projects);
        Assert.Equal(DayOfWeek.Thursday, options.ReminderDay);
        Assert.Equal(new TimeOnly(9, 30), options.ReminderTime);
        Assert.Equal(TimeSpan.FromMinutes(15), options.ReminderCheckPeriod);
    }

    [Fact]
    public void Refuses_an_unknown_time_zone()
    {
        using var services = Services(new() { ["Timesheet:TimeZone"] = "Mars/Olympus" });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TimesheetOptions>>().Value);
    }

    [Fact]
    public void The_rules_provider_is_the_default_and_an_unknown_provider_fails_fast()
    {
        using var services = Services([]);

        Assert.IsType<RulesPlanner>(services.GetRequiredService<IPlanner>());
        Assert.IsType<RulesComposer>(services.GetRequiredService<IComposer>());
        Assert.Throws<InvalidOperationException>(() => Services(new() { ["Agents:Provider"] = "Oracle" }));
    }
}
