namespace Switchboard.Grains.Timesheets;

/// <summary>Dates as the employee lives them: "today" and weeks are local to their time zone, never the server's.</summary>
public static class TimesheetCalendar
{
    /// <summary>The zone, or UTC when this machine does not know the id (a typo must not stop the turn).</summary>
    public static TimeZoneInfo Zone(string? timeZoneId) =>
        timeZoneId is not null && TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone) ? zone : TimeZoneInfo.Utc;

    public static DateTime LocalTime(DateTimeOffset instant, string? timeZoneId) =>
        TimeZoneInfo.ConvertTime(instant, Zone(timeZoneId)).DateTime;

    /// <summary>The local date at an instant: a turn's "today" is the day its SMS arrived, however late it runs.</summary>
    public static DateOnly Today(DateTimeOffset instant, string? timeZoneId) =>
        DateOnly.FromDateTime(LocalTime(instant, timeZoneId));

    public static DateOnly WeekStart(DateOnly date, DayOfWeek weekStartsOn) =>
        date.AddDays(-(((int)date.DayOfWeek - (int)weekStartsOn + 7) % 7));
}
