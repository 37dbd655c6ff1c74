using Switchboard.Grains.Agents.Rules;
using Switchboard.Grains.Timesheets;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// What a model's plan must satisfy before it reaches the timesheet: the same limits the Rules planner keeps.
/// A plan that fails becomes a question to the sender, never an action.
/// </summary>
internal static class PlanCheck
{
    /// <summary>Clarifications go into an SMS; a model that rambles is cut short here.</summary>
    public const int MaxClarificationLength = 160;

    /// <summary>A date further away than this is a misreading rather than a timesheet entry.</summary>
    public const int MaxDaysAway = 366;

    public static TurnPlan Help { get; } = new(Intent.Help);

    /// <summary>The plan to act on, and why the model's plan was not taken as it was (null when it was).</summary>
    public static (TurnPlan Plan, string? Rejection) Check(TurnPlan plan, DateOnly today)
    {
        if (!Enum.IsDefined(plan.Intent))
        {
            return (Help, "unknown intent");
        }

        if (!string.IsNullOrWhiteSpace(plan.Clarification))
        {
            // The model's own question. Only a log can be incomplete; any other intent with a question is a
            // misunderstanding, and Help is the safe way to ask it.
            return (Ask(plan.Intent == Intent.Log ? Intent.Log : Intent.Help, plan.Clarification), null);
        }

        if (plan.Intent != Intent.Log)
        {
            // Arguments on other intents mean nothing to the timesheet step; dropping them keeps the plan canonical.
            return (new TurnPlan(plan.Intent), null);
        }

        if (plan.Hours is not { } hours)
        {
            return (Ask(Intent.Log, $"How many hours? For example '{RulesPlanner.LogExample}'."), "no hours");
        }

        if (hours is <= 0 or > Timesheet.MaxHoursPerDay)
        {
            return (Ask(Intent.Log, $"Hours must be more than 0 and at most {Timesheet.MaxHoursPerDay:0.##} a day. For example '{RulesPlanner.LogExample}'."), "hours out of range");
        }

        var project = plan.Project?.Trim();
        if (string.IsNullOrEmpty(project))
        {
            return (Ask(Intent.Log, RulesPlanner.WhichProject(hours)), "no project");
        }

        if (project.Length > Timesheet.MaxProjectLength || project.Any(char.IsControl))
        {
            return (Ask(Intent.Log, $"Which project? For example '{RulesPlanner.LogExample}'."), "project name not plausible");
        }

        var date = plan.Date ?? today;
        if (Math.Abs(date.DayNumber - today.DayNumber) > MaxDaysAway)
        {
            return (Ask(Intent.Log, "Which day? Use 'today', 'yesterday', a day like 'mon', or a date like 2026-11-27."), "date out of range");
        }

        return (new TurnPlan(Intent.Log) { Hours = hours, Project = project, Date = date }, null);
    }

    /// <summary>
    /// A question instead of an action, shaped like the Rules planner's (a Log plan with a clarification), without
    /// the model's arguments: a value that failed the check must not reach the timesheet even by accident.
    /// </summary>
    private static TurnPlan Ask(Intent intent, string question)
    {
        var text = question.Trim();
        if (text.Length > MaxClarificationLength)
        {
            text = text[..MaxClarificationLength].TrimEnd();
        }

        return new TurnPlan(intent) { Clarification = text };
    }
}
