using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Employees;
using Switchboard.Grains.Timesheets;

namespace Switchboard.Grains.Agents;

/// <summary>
/// Carries out the plan against the sender's timesheet. The sender must be in the employee directory, or is
/// enrolled as a guest when Employees:AutoEnroll is on. Safe to re-run: the timesheet keys changes by MessageSid.
/// </summary>
public sealed class TimesheetStep(IGrainFactory grains, IOptions<EmployeeOptions> employees) : IAgentStep
{
    public string Name => "timesheet";

    public async Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var plan = context.Plan ?? throw new InvalidOperationException("The timesheet step needs a plan.");
        var directory = grains.GetGrain<IEmployeeGrain>(context.Phone);
        var employee = await directory.Get() ?? (employees.Value.AutoEnroll ? await directory.EnrollGuest() : null);
        if (employee is null)
        {
            return context with { Outcome = new TimesheetOutcome(OutcomeKind.NotRegistered) };
        }

        // Today is null only in a turn persisted before the planner recorded it.
        var today = context.Today ?? TimesheetCalendar.Today(context.ReceivedAt, employee.TimeZone);
        var sheet = grains.GetGrain<ITimesheetGrain>(employee.EmployeeId);
        var sid = context.MessageSid;
        var outcome = plan.Clarification is not null
            ? new TimesheetOutcome(OutcomeKind.Clarify)
            : plan.Intent switch
            {
                Intent.Status => await sheet.Status(today),
                Intent.Log => await sheet.Log(new LogRequest(sid, plan.Date ?? today, plan.Project ?? "", plan.Hours ?? 0, today)),
                Intent.Submit => await sheet.Submit(sid, today),
                Intent.Undo => await sheet.Undo(sid, today),
                _ => new TimesheetOutcome(OutcomeKind.Help),
            };
        return context with { Outcome = outcome with { EmployeeName = employee.Name }, SenderRegistered = !employee.IsGuest };
    }
}
