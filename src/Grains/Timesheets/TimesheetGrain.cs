using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Agents;

namespace Switchboard.Grains.Timesheets;

/// <summary>Persists one employee's <see cref="Timesheet"/>. Not reentrant: each change is read, applied and written in one turn.</summary>
// Needed during a turn only: an idle sender keeps its conversation in memory, not its timesheet.
[CollectionAgeLimit(Minutes = 2)]
public sealed class TimesheetGrain(
    [PersistentState("timesheet", StorageNames.State)] IPersistentState<TimesheetState> state,
    IOptions<TimesheetOptions> options,
    TimeProvider time)
    : Grain, ITimesheetGrain
{
    // Built per call over the current state object: storage loads (and reloads) it after construction.
    private Timesheet Sheet => new(state.State, options.Value);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state.State.Upgrade(); // written with the next change
        return Task.CompletedTask;
    }

    public Task<TimesheetOutcome> Status(DateOnly today) => Task.FromResult(Sheet.Status(today));

    public Task<TimesheetOutcome> Log(LogRequest request) =>
        SaveAsync(Sheet.Log(request.MessageSid, request.Date, request.Project, request.Hours, request.Today, time.GetUtcNow()));

    public Task<TimesheetOutcome> Undo(string messageSid, DateOnly today) => SaveAsync(Sheet.Undo(messageSid, today));

    public Task<TimesheetOutcome> Submit(string messageSid, DateOnly today) => SaveAsync(Sheet.Submit(messageSid, today, time.GetUtcNow()));

    public Task<TimesheetHandOver> HandOver() => Task.FromResult(Sheet.HandOver());

    public async Task<int> TakeOver(TimesheetHandOver handOver)
    {
        var added = Sheet.TakeOver(handOver);
        await state.WriteOrReloadAsync(this);
        return added;
    }

    public async Task Release(TimesheetHandOver handOver)
    {
        Sheet.Release(handOver);
        await state.WriteOrReloadAsync(this);
    }

    private async Task<TimesheetOutcome> SaveAsync(TimesheetOutcome outcome)
    {
        // A refusal changed nothing; everything else (a replay included) is written so storage matches memory.
        if (outcome.Kind != OutcomeKind.Rejected)
        {
            await state.WriteOrReloadAsync(this);
        }

        return outcome;
    }
}
