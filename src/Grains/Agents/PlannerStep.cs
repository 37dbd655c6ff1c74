using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Timesheets;

namespace Switchboard.Grains.Agents;

/// <summary>
/// Reads the SMS and decides what the sender wants, through the configured <see cref="IPlanner"/>. "Today" is the
/// sender's local date when the SMS arrived (not when the planner runs: backlogs and retries cross midnight), so
/// "yesterday" means their yesterday; it is kept in the context for the later steps.
/// </summary>
public sealed class PlannerStep(IPlanner planner, IGrainFactory grains, IOptions<TimesheetOptions> options) : IAgentStep
{
    /// <summary>The answer to a photo or file sent without words: nothing in it is read, so say so rather than guess.</summary>
    public const string MediaNotRead = "I can only read text: photos and files are not read. Text 'help' to see what I can do.";

    public string Name => "plan";

    public async Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var employee = await grains.GetGrain<IEmployeeGrain>(context.Phone).Get();
        var today = TimesheetCalendar.Today(context.ReceivedAt, employee?.TimeZone ?? options.Value.TimeZone);
        if (context.MediaCount > 0 && string.IsNullOrWhiteSpace(context.Text))
        {
            return context with { Plan = new TurnPlan(Intent.Help) { Clarification = MediaNotRead }, Today = today };
        }

        var plan = await planner.PlanAsync(new PlanningInput(context.Text, today, DateOrders.ForPhone(context.Phone)), cancellationToken);
        return context with { Plan = plan, Today = today };
    }
}
