using System.ComponentModel.DataAnnotations;
using Switchboard.Contracts;

namespace Switchboard.Grains.Timesheets;

/// <summary>Configuration section "Timesheet": weeks, projects, retention and the weekly submit reminder.</summary>
public sealed class TimesheetOptions : IValidatableObject
{
    public const string Section = "Timesheet";

    /// <summary>IANA time zone of employees registered without one.</summary>
    [Required]
    public string TimeZone { get; set; } = "Australia/Sydney";

    public DayOfWeek WeekStartsOn { get; set; } = DayOfWeek.Monday;

    /// <summary>Projects hours may be logged on; empty: any project.</summary>
    public string[] Projects { get; set; } = [];

    /// <summary>Weeks of entries kept per employee (the current one included); older entries are dropped.</summary>
    [Range(2, 520)]
    public int RetentionWeeks { get; set; } = 12;

    /// <summary>Off: no weekly reminders are registered, and existing ones are dropped at their next tick.</summary>
    public bool RemindersEnabled { get; set; } = true;

    /// <summary>Local day of the week (employee's time zone) the "please submit" reminder goes out.</summary>
    public DayOfWeek ReminderDay { get; set; } = DayOfWeek.Friday;

    /// <summary>Local time of day the reminder goes out, at the first check after it.</summary>
    public TimeOnly ReminderTime { get; set; } = new(16, 0);

    /// <summary>How often an employee's reminder wakes to check whether it is time (at least a minute in production).</summary>
    public TimeSpan ReminderCheckPeriod { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!EmployeeTimeZone.IsKnown(TimeZone))
        {
            yield return new ValidationResult($"Timesheet:TimeZone '{TimeZone}' is not a known IANA time zone.", [nameof(TimeZone)]);
        }

        if (ReminderCheckPeriod <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Timesheet:ReminderCheckPeriod must be positive.", [nameof(ReminderCheckPeriod)]);
        }

        if (Projects.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult("Timesheet:Projects must not contain empty names.", [nameof(Projects)]);
        }
    }
}
