using Switchboard.Grains.Agents.Rules;
using Switchboard.Grains.Agents.Tokens;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// Agents:DailyTokenBudget: while today's budget lasts the model plans and composes; once it is spent the Rules
/// provider does, until the next UTC day, so the service keeps answering (in the rules' words) without spending more.
/// Each step the rules take over is counted (switchboard_model_daily_budget_fallbacks_total).
/// </summary>
public sealed class DailyBudgetFallback(ChatPlanner modelPlanner, ChatComposer modelComposer, DailyTokenBudget budget) : IPlanner, IComposer
{
    private static readonly RulesPlanner RulesPlanner = new();
    private static readonly RulesComposer RulesComposer = new();

    public Task<TurnPlan> PlanAsync(PlanningInput input, CancellationToken cancellationToken) =>
        BudgetSpent() ? RulesPlanner.PlanAsync(input, cancellationToken) : modelPlanner.PlanAsync(input, cancellationToken);

    public Task<string> ComposeAsync(TurnContext context, CancellationToken cancellationToken) =>
        BudgetSpent() ? RulesComposer.ComposeAsync(context, cancellationToken) : modelComposer.ComposeAsync(context, cancellationToken);

    private bool BudgetSpent()
    {
        if (!budget.IsSpent)
        {
            return false;
        }

        SwitchboardMetrics.DailyBudgetFallbacks.Add(1);
        return true;
    }
}
