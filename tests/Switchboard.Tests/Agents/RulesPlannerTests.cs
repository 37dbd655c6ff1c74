using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.Rules;

namespace Switchboard.Tests.Agents;

public sealed class RulesPlannerTests
{
    /// <summary>A Friday: "mon" is the 23rd, "yesterday" the 26th, "last fri" the 20th.</summary>
    private static readonly DateOnly Today = new(2026, 11, 27);

    [Theory]
    // status
    [InlineData("check my timesheet", Intent.Status)]
    [InlineData("Check my timesheet!", Intent.Status)]
    [InlineData("chek my timesheet", Intent.Status)]
    [InlineData("hours", Intent.Status)]
    [InlineData("status", Intent.Status)]
    [InlineData("STATUS?", Intent.Status)]
    [InlineData("what's my total this week", Intent.Status)]
    [InlineData("how many hours have I logged?", Intent.Status)]
    [InlineData("show me my hours", Intent.Status)]
    [InlineData("timesheet", Intent.Status)]
    [InlineData("timesheeet pls", Intent.Status)]
    // submit
    [InlineData("submit", Intent.Submit)]
    [InlineData("sumbit", Intent.Submit)]
    [InlineData("Submit my timesheet please", Intent.Submit)]
    [InlineData("submt", Intent.Submit)]
    // undo
    [InlineData("undo", Intent.Undo)]
    [InlineData("udno", Intent.Undo)]
    [InlineData("Undo last entry", Intent.Undo)]
    [InlineData("oops", Intent.Undo)]
    [InlineData("cancel last entry", Intent.Help)] // "cancel" is a Twilio opt-out word, never undo
    // help, or not understood
    [InlineData("help", Intent.Help)]
    [InlineData("", Intent.Help)]
    [InlineData("?", Intent.Help)]
    [InlineData("hello there", Intent.Help)]
    [InlineData("blah blah", Intent.Help)]
    [InlineData("what can you do", Intent.Help)]
    [InlineData("8", Intent.Help)]
    [InlineData("help me log hours", Intent.Help)]
    public void Reads_commands(string text, Intent intent)
    {
        var plan = RulesPlanner.Plan(text, Today);

        Assert.Equal(intent, plan.Intent);
        Assert.Null(plan.Clarification);
    }

    [Theory]
    [InlineData("log 8h on Apollo today", 8, "Apollo", "2026-11-27")]
    [InlineData("log 7.5 hours Apollo yesterday", 7.5, "Apollo", "2026-11-26")]
    [InlineData("log 4h Zeus mon", 4, "Zeus", "2026-11-23")]
    [InlineData("LOG 8H ON APOLLO TODAY!!!", 8, "APOLLO", "2026-11-27")]
    [InlineData("log 8 hrs for Apollo, yesterday please", 8, "Apollo", "2026-11-26")]
    [InlineData("log 7h30 Apollo", 7.5, "Apollo", "2026-11-27")]
    [InlineData("log 3h on Project Apollo Phase 2 today", 3, "Project Apollo Phase 2", "2026-11-27")]
    [InlineData("log 3h Project Apollo Phase 2 on monday", 3, "Project Apollo Phase 2", "2026-11-23")]
    [InlineData("log 8h today on Apollo", 8, "Apollo", "2026-11-27")]
    [InlineData("log Apollo 8h", 8, "Apollo", "2026-11-27")]
    [InlineData("log 8 Apollo today", 8, "Apollo", "2026-11-27")]
    [InlineData("log 45 mins on Zeus", 0.75, "Zeus", "2026-11-27")]
    [InlineData("log 1h 30m on Zeus fri", 1.5, "Zeus", "2026-11-27")]
    [InlineData("log 8h on Apollo 2026-11-20", 8, "Apollo", "2026-11-20")]
    [InlineData("log 8h on Apollo last fri", 8, "Apollo", "2026-11-20")]
    [InlineData("log 6h on apollo sat", 6, "apollo", "2026-11-21")]
    [InlineData("please log eight hours on Apollo", 8, "Apollo", "2026-11-27")]
    [InlineData("log half an hour on Zeus", 0.5, "Zeus", "2026-11-27")]
    [InlineData("lgo 8h apollo", 8, "apollo", "2026-11-27")]
    [InlineData("8h on Apollo yesterday", 8, "Apollo", "2026-11-26")]
    [InlineData("I worked 7.5h on Apollo today", 7.5, "Apollo", "2026-11-27")]
    [InlineData("log 8hrs on Apollo Wednesday", 8, "Apollo", "2026-11-25")]
    [InlineData("log 7,5 hours on Apollo", 7.5, "Apollo", "2026-11-27")]
    [InlineData("log 7:30 hours on Apollo", 7.5, "Apollo", "2026-11-27")]
    [InlineData("log 2 hours on Apollo on Fridya", 2, "Apollo", "2026-11-27")]
    [InlineData("Log 8h on Apollo today.", 8, "Apollo", "2026-11-27")]
    [InlineData("log 8h on R&D", 8, "R&D", "2026-11-27")]
    [InlineData("log 8h on Status Page", 8, "Status Page", "2026-11-27")]
    [InlineData("log 8 horus apollo yday", 8, "apollo", "2026-11-26")]
    // understood, then refused by the timesheet rules (future date, hours out of range)
    [InlineData("log 8h on Apollo tomorrow", 8, "Apollo", "2026-11-28")]
    [InlineData("log -3h on Apollo", -3, "Apollo", "2026-11-27")]
    [InlineData("log 25h on Apollo", 25, "Apollo", "2026-11-27")]
    public void Reads_log_entries(string text, double hours, string project, string date)
    {
        var plan = RulesPlanner.Plan(text, Today);

        Assert.Equal(Intent.Log, plan.Intent);
        Assert.Null(plan.Clarification);
        Assert.Equal((decimal)hours, plan.Hours);
        Assert.Equal(project, plan.Project);
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), plan.Date);
    }

    [Theory]
    [InlineData("log 8h on Apollo 25 Nov", "Apollo", "2026-11-25")]
    [InlineData("log 8h on Apollo on the 25th nov", "Apollo", "2026-11-25")]
    [InlineData("log 8h on Apollo nov 25th", "Apollo", "2026-11-25")]
    [InlineData("log 8h Project May Day 3 november", "Project May Day", "2026-11-03")]
    [InlineData("log 8h on Apollo 25 November 2026", "Apollo", "2026-11-25")]
    [InlineData("log 8h on Apollo 25/11", "Apollo", "2026-11-25")]
    [InlineData("log 8h on Apollo 25/11/2026", "Apollo", "2026-11-25")]
    [InlineData("log 8h on Apollo 25/11/26", "Apollo", "2026-11-25")]
    [InlineData("log 8h on Apollo 5/11", "Apollo", "2026-11-05")] // day first: 5 November, not 11 May
    [InlineData("log 8h on Apollo 11/25", "Apollo", "2026-11-25")] // only one order is a date
    [InlineData("log 8h on Apollo 30 dec", "Apollo", "2025-12-30")] // no year: the latest 30 December gone by
    [InlineData("log 8h on Apollo 2 dec", "Apollo", "2026-12-02")] // ... unless it is days away (then refused as the future)
    [InlineData("log 4 on Zeus nov 25", "Zeus", "2026-11-25")]
    [InlineData("log 8h on Apollo 25th of November", "Apollo", "2026-11-25")]
    [InlineData("log 8h on Apollo on the 3rd of nov", "Apollo", "2026-11-03")]
    [InlineData("log 25 nov 8 hours on Apollo", "Apollo", "2026-11-25")] // "nov 8" would eat the hours
    [InlineData("log 8 nov 2 hours on Apollo", "Apollo", "2026-11-08")]
    [InlineData("log 8 hrs on Phase 2 May release", "Phase 2 May release", "2026-11-27")] // a name, not 2 May
    [InlineData("log 7 1/2 hours on Apollo", "Apollo", "2026-11-27")] // hours, not 1 February
    [InlineData("log 7 1/2 hrs on Apollo yesterday", "Apollo", "2026-11-26")]
    [InlineData("log 3/4 hr on Zeus", "Zeus", "2026-11-27")]
    public void Reads_dates_with_month_names_and_numeric_dates_day_first(string text, string project, string date)
    {
        var plan = RulesPlanner.Plan(text, Today);

        Assert.Null(plan.Clarification);
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), plan.Date);
        Assert.Equal(project, plan.Project);
        Assert.NotNull(plan.Hours);
    }

    [Theory]
    [InlineData("log 7 1/2 hours on Apollo", 7.5)]
    [InlineData("log 1/2 hour on Zeus", 0.5)]
    [InlineData("log 3/4 hr on Zeus", 0.75)]
    [InlineData("log 25 nov 8 hours on Apollo", 8)]
    public void Reads_fractions_of_hours_and_keeps_hours_out_of_dates(string text, double hours) =>
        Assert.Equal((decimal)hours, RulesPlanner.Plan(text, Today).Hours);

    [Theory]
    [InlineData("log \u0668 hours on Apollo")] // Arabic-Indic 8
    [InlineData("log 8h Apollo \uFF12\uFF17 nov")] // full-width 27
    [InlineData("log 8h Apollo 27 nov \u0662\u0660\u0662\u0666")]
    [InlineData("log \u0668/\u0661\u0661 8h Apollo")]
    public void Text_with_digits_of_other_scripts_is_planned_without_failing(string text)
    {
        var plan = RulesPlanner.Plan(System.Text.RegularExpressions.Regex.Unescape(text), Today);

        Assert.Equal(Intent.Log, plan.Intent);
    }

    [Fact]
    public void Never_fails_on_odd_text_a_phone_could_send()
    {
        // Pieces of the grammar shuffled with punctuation, other scripts' digits and emoji: whatever arrives, the
        // planner answers with a plan (perhaps help or a question), never an exception that would cost a step retry.
        string[] pieces =
        [
            "log", "8h", "7 1/2", "hours", "hrs", "on", "of", "Apollo", "Phase 2", "May", "nov", "27th", "27/11", "11/27/26",
            "31/02", "2026-13-45", "mon", "last", "yesterday", "tmrw", "7:30", "7h30", "-3h", "0.5", "99999", "1/0", "/", "//",
            "-", ".", ",", "&", "\u0668", "\uFF12\uFF17", "\u0662\u0660\u0662\u0666", "\U0001F600", "\u00A0", "submit", "undo", "STOP",
        ];
        var random = new Random(20261129);
        for (var n = 0; n < 3000; n++)
        {
            var text = string.Join(random.Next(3) == 0 ? "" : " ", Enumerable.Range(0, random.Next(1, 9)).Select(_ => pieces[random.Next(pieces.Length)]));
            text = System.Text.RegularExpressions.Regex.Unescape(text);

            var plan = RulesPlanner.Plan(text, Today, random.Next(2) == 0 ? DateOrder.DayMonth : DateOrder.MonthDay);

            Assert.True(Enum.IsDefined(plan.Intent), text);
        }
    }

    [Theory]
    [InlineData("log 8h on Apollo 5/11", "2026-05-11")] // month first: 11 May
    [InlineData("log 8h on Apollo 11/25", "2026-11-25")]
    [InlineData("log 8h on Apollo 25/11", "2026-11-25")] // only one order is a date
    public void Reads_numeric_dates_month_first_for_senders_who_write_them_so(string text, string date)
    {
        var plan = RulesPlanner.Plan(text, Today, DateOrder.MonthDay);

        Assert.Null(plan.Clarification);
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), plan.Date);
        Assert.Equal("Apollo", plan.Project);
    }

    [Theory]
    [InlineData("+15550100001", DateOrder.MonthDay)]
    [InlineData("+14165550100", DateOrder.MonthDay)]
    [InlineData("+61412345678", DateOrder.DayMonth)]
    [InlineData("+447700900123", DateOrder.DayMonth)]
    public void North_american_numbers_write_the_month_first(string phone, DateOrder order) =>
        Assert.Equal(order, DateOrders.ForPhone(phone));

    [Theory]
    [InlineData("log Apollo", "How many hours on Apollo")]
    [InlineData("log 8h today", "Which project")]
    [InlineData("log", "What should I log")]
    [InlineData("log hours on Apollo", "How many hours on Apollo")]
    [InlineData("log 8h on Apollo 2h on Zeus", "one entry per message")]
    [InlineData("log 8h on Apollo mon tue", "one day per entry")]
    [InlineData("log 8h on Apollo 2026-02-30", "couldn't read the date '2026-02-30'")]
    [InlineData("log 8h on Apollo 31/11", "couldn't read the date '31/11'")]
    [InlineData("log 8h on Apollo 30 feb", "couldn't read the date '30 feb'")]
    [InlineData("log 8h on Apollo 25 nov mon", "one day per entry")]
    public void Asks_when_a_log_is_incomplete_or_ambiguous(string text, string question)
    {
        var plan = RulesPlanner.Plan(text, Today);

        Assert.Equal(Intent.Log, plan.Intent);
        Assert.NotNull(plan.Clarification);
        Assert.Contains(question, plan.Clarification, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plans_through_the_planner_contract()
    {
        IPlanner planner = new RulesPlanner();

        var plan = await planner.PlanAsync(new PlanningInput("log 8h on Apollo today", Today), CancellationToken.None);

        Assert.Equal(new TurnPlan(Intent.Log) { Hours = 8, Project = "Apollo", Date = Today }, plan);
    }
}
