namespace Switchboard.Grains.Timesheets;

/// <summary>
/// When the weekly "please submit" reminder is due: from Timesheet:ReminderDay at Timesheet:ReminderTime (employee's
/// local time) until the week ends. The reminder grain checks at every tick, so a missed tick only delays it.
/// </summary>
public static class ReminderSchedule
{
    /// <summary>The start of the week whose reminder is due at this local time, or null when none is due yet.</summary>
    public static DateOnly? DueWeek(DateTime localNow, TimesheetOptions options)
    {
        var weekStart = TimesheetCalendar.WeekStart(DateOnly.FromDateTime(localNow), options.WeekStartsOn);
        var dueDay = weekStart.AddDays(((int)options.ReminderDay - (int)options.WeekStartsOn + 7) % 7);
        return localNow >= dueDay.ToDateTime(options.ReminderTime) ? weekStart : null;
    }
}
