using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.Rules;

namespace Switchboard.Tests.Agents;

public sealed class RulesComposerTests
{
    private static readonly DateOnly Monday = new(2026, 11, 23);
    private static readonly DateOnly Friday = new(2026, 11, 27);

    private static TurnContext Turn(TimesheetOutcome outcome, TurnPlan? plan = null) =>
        new("+61412345678", "SM1", "text", DateTimeOffset.UnixEpoch) { Plan = plan ?? new TurnPlan(Intent.Log), Outcome = outcome };

    private static WeekView Week(bool submitted = false, params TimesheetEntryView[] entries) => new(Monday, entries, submitted);

    [Fact]
    public void Confirms_a_log_with_the_week_total()
    {
        var entry = new TimesheetEntryView(Friday, "Apollo", 8);
        var reply = RulesComposer.Compose(Turn(new TimesheetOutcome(OutcomeKind.Logged) { Entry = entry, Week = Week(false, entry) }));

        Assert.Equal("Logged 8h on Apollo for Fri 27 Nov. Week total: 8h.", reply);
    }

    [Fact]
    public void Lists_the_week_per_project_with_the_total()
    {
        var week = Week(
            false,
            new TimesheetEntryView(Monday, "Apollo", 8),
            new TimesheetEntryView(Monday, "Zeus", 0.5m),
            new TimesheetEntryView(Friday, "apollo", 7.5m));

        var reply = RulesComposer.Compose(Turn(new TimesheetOutcome(OutcomeKind.Status) { Week = week }, new TurnPlan(Intent.Status)));

        Assert.Equal("Week of Mon 23 Nov: Apollo 15.5h, Zeus 0.5h. Total: 16h. Not submitted yet.", reply);
    }

    [Fact]
    public void An_empty_week_says_how_to_log()
    {
        var reply = RulesComposer.Compose(Turn(new TimesheetOutcome(OutcomeKind.Status) { Week = Week() }, new TurnPlan(Intent.Status)));

        Assert.Contains("Nothing logged yet", reply, StringComparison.Ordinal);
        Assert.Contains("log 8h on Apollo today", reply, StringComparison.Ordinal);
    }

    [Fact]
    public void Confirms_submit_and_undo()
    {
        var entry = new TimesheetEntryView(Friday, "Apollo", 8);
        var submitted = RulesComposer.Compose(Turn(new TimesheetOutcome(OutcomeKind.Submitted) { Week = Week(true, entry) }));
        var removed = RulesComposer.Compose(Turn(new TimesheetOutcome(OutcomeKind.Removed) { Entry = entry, Week = Week() }));

        Assert.Equal("Submitted the week of Mon 23 Nov: 8h in total. Thanks!", submitted);
        Assert.Equal("Removed 8h on Apollo for Fri 27 Nov. Week total: 0h.", removed);
    }

    [Fact]
    public void Says_the_problem_the_question_the_usage_or_that_the_number_is_unknown()
    {
        var rejected = RulesComposer.Compose(Turn(new TimesheetOutcome(OutcomeKind.Rejected) { Problem = "Hours must be more than 0." }));
        var question = RulesComposer.Compose(Turn(new TimesheetOutcome(OutcomeKind.Clarify), new TurnPlan(Intent.Log) { Clarification = "How many hours on Apollo?" }));
        var help = RulesComposer.Compose(Turn(new TimesheetOutcome(OutcomeKind.Help), new TurnPlan(Intent.Help)));
        var stranger = RulesComposer.Compose(Turn(new TimesheetOutcome(OutcomeKind.NotRegistered)));

        Assert.Equal("Hours must be more than 0.", rejected);
        Assert.Equal("How many hours on Apollo?", question);
        Assert.Equal(ComposerStep.UsageText, help);
        Assert.Contains("log", help, StringComparison.Ordinal);
        Assert.Contains("isn't registered", stranger, StringComparison.Ordinal);
    }
}
