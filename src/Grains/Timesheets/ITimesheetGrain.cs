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
}

[GenerateSerializer, Immutable, Alias("Switchboard.LogRequest")]
public sealed record LogRequest(string MessageSid, DateOnly Date, string Project, decimal Hours, DateOnly Today);
