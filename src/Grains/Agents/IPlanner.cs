namespace Switchboard.Grains.Agents;

/// <summary>Turns the text of an SMS into a typed plan (the Rules provider, or an LLM behind the same contract).</summary>
public interface IPlanner
{
    Task<TurnPlan> PlanAsync(PlanningInput input, CancellationToken cancellationToken);
}

/// <summary>
/// What the planner knows: the text, "today" in the sender's time zone for relative dates, and how the sender writes
/// numeric dates.
/// </summary>
public sealed record PlanningInput(string Text, DateOnly Today, DateOrder DateOrder = DateOrder.DayMonth);
