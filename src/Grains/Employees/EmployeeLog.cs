using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Employees;

/// <summary>Employee directory and reminder events. Phone numbers are passed masked.</summary>
internal static partial class EmployeeLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Employee {EmployeeId} registered at {Phone} ({Registration})")]
    public static partial void Registered(ILogger logger, string phone, string employeeId, string registration);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Employee {EmployeeId} removed from {Phone}")]
    public static partial void Removed(ILogger logger, string phone, string employeeId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Unknown sender {Phone} enrolled as guest {EmployeeId}")]
    public static partial void GuestEnrolled(ILogger logger, string phone, string employeeId);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Guest {GuestId} at {Phone} registered as employee {EmployeeId}: {Lines} logged lines taken over")]
    public static partial void GuestTimesheetTakenOver(ILogger logger, string phone, string guestId, string employeeId, int lines);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Timesheet reminder for the week of {WeekStart} sent to {Phone}")]
    public static partial void ReminderSent(ILogger logger, string phone, DateOnly weekStart);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Debug, Message = "No timesheet reminder to {Phone} for the week of {WeekStart}: {Reason}")]
    public static partial void ReminderSkipped(ILogger logger, string phone, DateOnly weekStart, string reason);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Imported {Count} employees from {Path} ({Skipped} skipped)")]
    public static partial void Imported(ILogger logger, string path, int count, int skipped);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Employee import: entry {Index} skipped: {Reason}")]
    public static partial void ImportEntrySkipped(ILogger logger, int index, string reason);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "Employee import from {Path} failed")]
    public static partial void ImportFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "Employee import: entry {Index} for {Phone} not registered: {Error}")]
    public static partial void ImportEntryFailed(ILogger logger, int index, string phone, string error);
}
