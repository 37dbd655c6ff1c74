using Microsoft.Extensions.Time.Testing;
using Switchboard.Grains.Timesheets;

namespace Switchboard.Tests.Employees;

public sealed class ReminderScheduleTests
{
    private static readonly TimesheetOptions Options = new() { ReminderDay = DayOfWeek.Friday, ReminderTime = new TimeOnly(16, 0) };

    [Theory]
    [InlineData("2026-11-26T23:00:00", null)] // Thursday night
    [InlineData("2026-11-27T15:59:00", null)] // Friday, just before
    [InlineData("2026-11-27T16:00:00", "2026-11-23")]
    [InlineData("2026-11-29T23:59:00", "2026-11-23")] // still due on Sunday: a missed tick only delays it
    [InlineData("2026-11-30T09:00:00", null)] // Monday: a new week, not due yet
    public void Is_due_from_the_local_day_and_time_until_the_week_ends(string local, string? dueWeek)
    {
        var due = ReminderSchedule.DueWeek(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture), Options);

        Assert.Equal(dueWeek is null ? null : DateOnly.Parse(dueWeek, System.Globalization.CultureInfo.InvariantCulture), due);
    }

    [Fact]
    public void Follows_the_employees_time_zone()
    {
        // 05:30 UTC on Friday 27 Nov: 16:30 in Sydney (due), 05:30 in London (not yet).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 5, 30, 0, TimeSpan.Zero));

        Assert.NotNull(ReminderSchedule.DueWeek(TimesheetCalendar.LocalTime(clock.GetUtcNow(), "Australia/Sydney"), Options));
        Assert.Null(ReminderSchedule.DueWeek(TimesheetCalendar.LocalTime(clock.GetUtcNow(), "Europe/London"), Options));
    }
}
