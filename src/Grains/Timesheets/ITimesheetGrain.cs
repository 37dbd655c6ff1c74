using Switchboard.Grains.Agents;

namespace Switchboard.Grains.Timesheets;

/// <summary>
/// One employee's timesheet, keyed by employee id (a number can change hands; the hours stay with the person).
/// Callers pass "today" in the employee's time zone; changes are idempotent by the MessageSid that asked for them.
/// </summary>
[Alias("Switchboard.ITimesheetGrain")]
public interface ITimesheetGrain : IGrainWithStringKey
{
    [Alias("Status")]
    Task<TimesheetOutcome> Status(DateOnly today);

    [Alias("Log")]
    Task<TimesheetOutcome> Log(LogRequest request);

    [Alias("Undo")]
    Task<TimesheetOutcome> Undo(string messageSid, DateOnly today);

    [Alias("Submit")]
    Task<TimesheetOutcome> Submit(string messageSid, DateOnly today);

    /// <summary>Everything this timesheet holds, for the timesheet that takes it over (a guest registered as an employee).</summary>
    [Alias("HandOver")]
    Task<TimesheetHandOver> HandOver();

    /// <summary>
    /// Adds the lines and submitted weeks of another timesheet, skipping what is already here: taking the same hand-over
    /// twice changes nothing. Returns how many lines were added.
    /// </summary>
    [Alias("TakeOver")]
    Task<int> TakeOver(TimesheetHandOver handOver);

    /// <summary>Forgets what was handed over (and taken over elsewhere); anything logged since is kept.</summary>
    [Alias("Release")]
    Task Release(TimesheetHandOver handOver);
}

[GenerateSerializer, Immutable, Alias("Switchboard.LogRequest")]
public sealed record LogRequest(string MessageSid, DateOnly Date, string Project, decimal Hours, DateOnly Today);

/// <summary>
/// A timesheet's lines (undone ones included, so a replayed undo is still recognised), submitted weeks and the record
/// of recent changes, as of <see cref="UpToSequence"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TimesheetHandOver")]
public sealed record TimesheetHandOver(TimesheetLine[] Lines, SubmittedWeek[] SubmittedWeeks, TimesheetChange[] Changes, long UpToSequence)
{
    public bool IsEmpty => Lines.Length == 0 && SubmittedWeeks.Length == 0;
}
