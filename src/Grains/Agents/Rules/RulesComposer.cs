namespace Switchboard.Grains.Agents.Rules;

/// <summary>The deterministic composer (Agents:Provider=Rules): short, factual replies that lead with what happened.</summary>
public sealed class RulesComposer : IComposer
{
    public const string NotRegisteredReply =
        "Hi! This number isn't registered for timesheets yet. Please ask your manager to add you, then text 'help'.";

    public Task<string> ComposeAsync(TurnContext context, CancellationToken cancellationToken) => Task.FromResult(Compose(context));

    public static string Compose(TurnContext context)
    {
        var outcome = context.Outcome;
        // A date in another year than the sender's today names it. Today is null only in a turn persisted before the
        // planner recorded it: such a reply reads as it always did, without years.
        var today = context.Today;
        return outcome?.Kind switch
        {
            OutcomeKind.Logged or OutcomeKind.Removed => $"{Fact(outcome, today)} Week total: {Total(outcome.Week)}.",
            OutcomeKind.Status => Status(outcome.Week, today),
            OutcomeKind.Submitted => $"{Fact(outcome, today)} Thanks!",
            OutcomeKind.Rejected => outcome.Problem ?? ComposerStep.UsageText,
            OutcomeKind.Clarify => context.Plan?.Clarification ?? ComposerStep.UsageText,
            OutcomeKind.NotRegistered => NotRegisteredReply,
            _ => ComposerStep.UsageText,
        };
    }

    /// <summary>
    /// The one sentence a reply to this outcome carries. Null when the outcome has no fact of its own (help,
    /// questions, refusals).
    /// </summary>
    private static string? Fact(TimesheetOutcome? outcome, DateOnly? today) => outcome switch
    {
        { Kind: OutcomeKind.Logged, Entry: { } e } => $"Logged {SmsText.Hours(e.Hours)} on {e.Project} for {Day(e.Date, today)}.",
        { Kind: OutcomeKind.Removed, Entry: { } e } => $"Removed {SmsText.Hours(e.Hours)} on {e.Project} for {Day(e.Date, today)}.",
        { Kind: OutcomeKind.Submitted, Week: { } w } => $"Submitted the week of {Day(w.WeekStart, today)}: {Total(w)} in total.",
        { Kind: OutcomeKind.Status, Week: { } w } => $"Week of {Day(w.WeekStart, today)} total: {Total(w)}.",
        _ => null,
    };

    private static string Status(WeekView? week, DateOnly? today)
    {
        if (week is null || week.Entries.Count == 0)
        {
            var from = week is null ? "" : $" for the week of {Day(week.WeekStart, today)}";
            return $"Nothing logged yet{from}. Text '{RulesPlanner.LogExample}' to add hours.";
        }

        // Per project, in the order first logged this week; the total last, as on a paper timesheet.
        var projects = week.Entries
            .GroupBy(e => e.Project, StringComparer.OrdinalIgnoreCase)
            .Select(g => $"{g.First().Project} {SmsText.Hours(g.Sum(e => e.Hours))}");
        var state = week.Submitted ? " Submitted." : " Not submitted yet.";
        return $"Week of {Day(week.WeekStart, today)}: {string.Join(", ", projects)}. Total: {Total(week)}.{state}";
    }

    private static string Day(DateOnly date, DateOnly? today) => SmsText.Day(date, today ?? date);

    private static string Total(WeekView? week) => SmsText.Hours(week?.TotalHours ?? 0);
}
