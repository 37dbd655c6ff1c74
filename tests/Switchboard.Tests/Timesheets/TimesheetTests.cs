using Switchboard.Grains.Agents;
using Switchboard.Grains.Timesheets;

namespace Switchboard.Tests.Timesheets;

public sealed class TimesheetTests
{
    private static readonly DateOnly Friday = new(2026, 11, 27);
    private static readonly DateOnly Monday = new(2026, 11, 23);
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);

    private static Timesheet NewTimesheet(TimesheetOptions? options = null) => new(new TimesheetState(), options ?? new TimesheetOptions());

    [Fact]
    public void Logs_an_entry_and_totals_the_week()
    {
        var sheet = NewTimesheet();

        sheet.Log("SM1", Monday, "Apollo", 8, Friday, Now);
        var outcome = sheet.Log("SM2", Friday, "Zeus", 4.5m, Friday, Now);

        Assert.Equal(OutcomeKind.Logged, outcome.Kind);
        Assert.Equal(new TimesheetEntryView(Friday, "Zeus", 4.5m), outcome.Entry);
        Assert.Equal(Monday, outcome.Week!.WeekStart);
        Assert.Equal(12.5m, outcome.Week.TotalHours);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(24.5)]
    [InlineData(0.001)]
    public void Refuses_hours_out_of_range(double hours)
    {
        var outcome = NewTimesheet().Log("SM1", Friday, "Apollo", (decimal)hours, Friday, Now);

        Assert.Equal(OutcomeKind.Rejected, outcome.Kind);
        Assert.NotNull(outcome.Problem);
    }

    [Fact]
    public void Allows_24_hours_a_day_and_no_more()
    {
        var sheet = NewTimesheet();
        Assert.Equal(OutcomeKind.Logged, sheet.Log("SM1", Friday, "Apollo", 16, Friday, Now).Kind);
        Assert.Equal(OutcomeKind.Logged, sheet.Log("SM2", Friday, "Zeus", 8, Friday, Now).Kind);

        var outcome = sheet.Log("SM3", Friday, "Zeus", 0.5m, Friday, Now);

        Assert.Equal(OutcomeKind.Rejected, outcome.Kind);
        Assert.Contains("24h", outcome.Problem, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Logged, sheet.Log("SM4", Monday, "Zeus", 0.5m, Friday, Now).Kind);
    }

    [Fact]
    public void Refuses_the_future()
    {
        var outcome = NewTimesheet().Log("SM1", Friday.AddDays(1), "Apollo", 8, Friday, Now);

        Assert.Equal(OutcomeKind.Rejected, outcome.Kind);
        Assert.Contains("future", outcome.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_dates_beyond_the_retention_window()
    {
        var sheet = NewTimesheet(new TimesheetOptions { RetentionWeeks = 2 });

        Assert.Equal(OutcomeKind.Logged, sheet.Log("SM1", Monday.AddDays(-7), "Apollo", 8, Friday, Now).Kind);
        Assert.Equal(OutcomeKind.Rejected, sheet.Log("SM2", Monday.AddDays(-8), "Apollo", 8, Friday, Now).Kind);
    }

    [Fact]
    public void A_submitted_week_cannot_change()
    {
        var sheet = NewTimesheet();
        sheet.Log("SM1", Monday, "Apollo", 8, Friday, Now);

        var submitted = sheet.Submit("SM2", Friday, Now);
        var log = sheet.Log("SM3", Friday, "Apollo", 1, Friday, Now);
        var undo = sheet.Undo("SM4", Friday);
        var again = sheet.Submit("SM5", Friday, Now);

        Assert.Equal(OutcomeKind.Submitted, submitted.Kind);
        Assert.True(submitted.Week!.Submitted);
        Assert.Equal(OutcomeKind.Rejected, log.Kind);
        Assert.Contains("submitted", log.Problem, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Rejected, undo.Kind);
        Assert.Equal(OutcomeKind.Rejected, again.Kind);
        Assert.Equal(8, sheet.Week(Monday).TotalHours);
    }

    [Fact]
    public void An_empty_week_is_not_submitted()
    {
        var outcome = NewTimesheet().Submit("SM1", Friday, Now);

        Assert.Equal(OutcomeKind.Rejected, outcome.Kind);
        Assert.Contains("nothing to submit", outcome.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Undo_removes_the_last_logged_entry()
    {
        var sheet = NewTimesheet();
        sheet.Log("SM1", Friday, "Apollo", 8, Friday, Now);
        sheet.Log("SM2", Monday, "Zeus", 2, Friday, Now);

        var outcome = sheet.Undo("SM3", Friday);

        Assert.Equal(OutcomeKind.Removed, outcome.Kind);
        Assert.Equal(new TimesheetEntryView(Monday, "Zeus", 2), outcome.Entry);
        Assert.Equal(8, outcome.Week!.TotalHours);
        Assert.Equal(OutcomeKind.Removed, sheet.Undo("SM4", Friday).Kind);
        Assert.Equal(OutcomeKind.Rejected, sheet.Undo("SM5", Friday).Kind);
    }

    [Fact]
    public void The_same_message_logs_once()
    {
        var sheet = NewTimesheet();

        var first = sheet.Log("SM1", Friday, "Apollo", 8, Friday, Now);
        var replay = sheet.Log("SM1", Friday, "Apollo", 8, Friday, Now);

        Assert.Equal(first.Entry, replay.Entry);
        Assert.Equal(first.Week!.Entries, replay.Week!.Entries);
        Assert.Single(sheet.Week(Monday).Entries);
    }

    [Fact]
    public void Undo_only_touches_this_week()
    {
        var sheet = NewTimesheet();
        var lastWeek = Monday.AddDays(-3);
        sheet.Log("SM1", Monday, "Apollo", 8, Friday, Now);
        sheet.Log("SM2", lastWeek, "Zeus", 2, Friday, Now);

        var outcome = sheet.Undo("SM3", Friday);
        var nothingLeft = sheet.Undo("SM4", Friday);

        Assert.Equal(new TimesheetEntryView(Monday, "Apollo", 8), outcome.Entry);
        Assert.Equal(OutcomeKind.Rejected, nothingLeft.Kind);
        Assert.Contains("nothing to undo this week", nothingLeft.Problem, StringComparison.Ordinal);
        Assert.Equal(2, sheet.Status(lastWeek).Week!.TotalHours);
    }

    [Fact]
    public void The_same_undo_removes_once()
    {
        var sheet = NewTimesheet();
        sheet.Log("SM1", Friday, "Apollo", 8, Friday, Now);
        sheet.Log("SM2", Friday, "Zeus", 2, Friday, Now);

        var first = sheet.Undo("SM3", Friday);
        var replay = sheet.Undo("SM3", Friday);

        Assert.Equal(OutcomeKind.Removed, replay.Kind);
        Assert.Equal(first.Entry, replay.Entry);
        Assert.Equal(new TimesheetEntryView(Friday, "Apollo", 8), Assert.Single(sheet.Week(Monday).Entries));
    }

    [Fact]
    public void The_same_submit_answers_the_same()
    {
        var sheet = NewTimesheet();
        sheet.Log("SM1", Friday, "Apollo", 8, Friday, Now);

        var first = sheet.Submit("SM2", Friday, Now);
        var replay = sheet.Submit("SM2", Friday, Now);

        Assert.Equal(OutcomeKind.Submitted, replay.Kind);
        Assert.Equal(first.Week!.TotalHours, replay.Week!.TotalHours);
        Assert.Single(sheet.State.SubmittedWeeks);
    }

    [Fact]
    public void Projects_keep_their_first_spelling()
    {
        var sheet = NewTimesheet();
        sheet.Log("SM1", Monday, "Apollo", 8, Friday, Now);

        var outcome = sheet.Log("SM2", Friday, "apollo", 2, Friday, Now);

        Assert.Equal("Apollo", outcome.Entry!.Project);
    }

    [Fact]
    public void A_configured_project_list_is_enforced_in_its_own_spelling()
    {
        var sheet = NewTimesheet(new TimesheetOptions { Projects = ["Apollo", "Project Zeus"] });

        var known = sheet.Log("SM1", Friday, "project zeus", 2, Friday, Now);
        var unknown = sheet.Log("SM2", Friday, "Hermes", 2, Friday, Now);

        Assert.Equal("Project Zeus", known.Entry!.Project);
        Assert.Equal("Apollo", sheet.Log("SM3", Friday, "Apolo", 1, Friday, Now).Entry!.Project);
        Assert.Equal(OutcomeKind.Rejected, unknown.Kind);
        Assert.Contains("Apollo, Project Zeus", unknown.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DayOfWeek.Monday, "2026-11-23")]
    [InlineData(DayOfWeek.Sunday, "2026-11-22")]
    [InlineData(DayOfWeek.Friday, "2026-11-27")]
    [InlineData(DayOfWeek.Saturday, "2026-11-21")]
    public void Weeks_start_on_the_configured_day(DayOfWeek startsOn, string expected)
    {
        var sheet = NewTimesheet(new TimesheetOptions { WeekStartsOn = startsOn });

        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), sheet.WeekStartOf(Friday));
    }

    [Fact]
    public void Today_and_the_week_are_the_employees_not_the_servers()
    {
        // Sunday 29 Nov 14:00 UTC is already Monday 30 Nov 01:00 in Sydney (UTC+11 in summer): a new week there.
        var instant = new DateTimeOffset(2026, 11, 29, 14, 0, 0, TimeSpan.Zero);

        var sydney = DateOnly.FromDateTime(TimesheetCalendar.LocalTime(instant, "Australia/Sydney"));
        var utc = DateOnly.FromDateTime(TimesheetCalendar.LocalTime(instant, "Etc/UTC"));

        Assert.Equal(new DateOnly(2026, 11, 30), sydney);
        Assert.Equal(new DateOnly(2026, 11, 30), TimesheetCalendar.WeekStart(sydney, DayOfWeek.Monday));
        Assert.Equal(new DateOnly(2026, 11, 23), TimesheetCalendar.WeekStart(utc, DayOfWeek.Monday));
    }

    [Fact]
    public void Status_is_this_weeks_entries()
    {
        var sheet = NewTimesheet();
        sheet.Log("SM1", Monday.AddDays(-1), "Apollo", 5, Friday, Now);
        sheet.Log("SM2", Monday, "Apollo", 8, Friday, Now);

        var outcome = sheet.Status(Friday);

        Assert.Equal(OutcomeKind.Status, outcome.Kind);
        Assert.Equal(8, outcome.Week!.TotalHours);
        Assert.False(outcome.Week.Submitted);
    }

    [Fact]
    public void Old_weeks_are_dropped()
    {
        var sheet = NewTimesheet(new TimesheetOptions { RetentionWeeks = 2 });
        sheet.Log("SM1", Monday.AddDays(-7), "Apollo", 8, Friday, Now);

        sheet.Log("SM2", Monday.AddDays(7), "Apollo", 8, Monday.AddDays(7), Now);

        Assert.Equal([Monday.AddDays(7)], sheet.State.Lines.Select(l => l.Date));
    }

    [Fact]
    public void A_timesheet_stored_before_the_compact_form_keeps_its_hours_and_recognises_its_messages()
    {
        var state = new TimesheetState
        {
            LastSequence = 2,
            Entries =
            [
                new TimesheetEntry(1, Monday, "Apollo", 7.25m, "SM1", Now),
                new TimesheetEntry(2, Monday, "Zeus", 2m, "SM2", Now) { RemovedBy = "SM3" },
            ],
        };
        state.Upgrade();
        var sheet = new Timesheet(state, new TimesheetOptions());

        var replayedLog = sheet.Log("SM1", Monday, "Apollo", 7.25m, Friday, Now);
        var replayedUndo = sheet.Undo("SM3", Friday);

        Assert.Empty(state.Entries);
        Assert.Equal(7.25m, sheet.Week(Monday).TotalHours);
        Assert.Equal(new TimesheetEntryView(Monday, "Apollo", 7.25m), replayedLog.Entry);
        Assert.Equal(new TimesheetEntryView(Monday, "Zeus", 2m), replayedUndo.Entry);
        Assert.Equal(2, state.Lines.Count);
    }

    [Fact]
    public void A_line_costs_tens_of_bytes_and_the_record_of_changes_is_bounded()
    {
        var sheet = NewTimesheet();
        for (var i = 0; i < 40; i++)
        {
            sheet.Log($"SM{i:D32}", Monday.AddDays(i % 5), "Apollo", 0.5m, Friday, Now);
        }

        Assert.Equal(40, sheet.State.Lines.Count);
        Assert.Equal(TimesheetState.RecentChangesKept, sheet.State.RecentChanges.Count);
        Assert.Equal(OutcomeKind.Logged, sheet.Log($"SM{39:D32}", Monday.AddDays(4), "Apollo", 0.5m, Friday, Now).Kind);
        Assert.Equal(40, sheet.State.Lines.Count); // the latest message, run again, changed nothing
    }

    [Fact]
    public void A_refusal_names_the_year_of_a_date_in_another_year()
    {
        var mondayInNovember = new DateOnly(2026, 11, 30);
        var now = new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);
        var sheet = NewTimesheet();

        var tooOld = sheet.Log("SM1", new DateOnly(2025, 12, 10), "Apollo", 1, mondayInNovember, now);
        var future = sheet.Log("SM2", new DateOnly(2027, 1, 4), "Apollo", 1, mondayInNovember, now);
        var thisYear = sheet.Log("SM3", new DateOnly(2026, 12, 1), "Apollo", 1, mondayInNovember, now);

        Assert.Equal("Wed 10 Dec 2025 is too far back: I keep the last 12 weeks.", tooOld.Problem);
        Assert.Equal("Mon 4 Jan 2027 is in the future: you can log hours for today or earlier.", future.Problem);
        Assert.Equal("Tue 1 Dec is in the future: you can log hours for today or earlier.", thisYear.Problem);
    }

    [Fact]
    public void A_submitted_week_that_began_last_year_is_named_with_its_year()
    {
        var newYearsDay = new DateOnly(2027, 1, 1);
        var now = new DateTimeOffset(2027, 1, 1, 1, 0, 0, TimeSpan.Zero);
        var sheet = NewTimesheet();
        sheet.Log("SM1", new DateOnly(2026, 12, 28), "Apollo", 8, newYearsDay, now);
        sheet.Submit("SM2", newYearsDay, now);

        var log = sheet.Log("SM3", newYearsDay, "Apollo", 1, newYearsDay, now);
        var again = sheet.Submit("SM4", newYearsDay, now);

        Assert.Equal("The week of Mon 28 Dec 2026 is already submitted, so it can't be changed.", log.Problem);
        Assert.Equal("This week (from Mon 28 Dec 2026) is already submitted.", again.Problem);
    }

    [Fact]
    public void Taking_a_timesheet_over_adds_its_hours_once_and_keeps_its_submitted_weeks()
    {
        var guest = NewTimesheet();
        guest.Log("SM1", Monday.AddDays(-7), "Apollo", 8, Friday, Now);
        guest.Submit("SM2", Monday.AddDays(-1), Now);
        guest.Log("SM3", Monday, "Apollo", 8, Friday, Now);
        guest.Log("SM4", Monday, "Apollo", 8, Friday, Now); // the same line twice: both count
        var employee = NewTimesheet();
        employee.Log("SM5", Friday, "Zeus", 3, Friday, Now.AddHours(1));
        var handOver = guest.HandOver();

        var added = employee.TakeOver(handOver);
        var addedAgain = employee.TakeOver(handOver);

        Assert.Equal(3, added);
        Assert.Equal(0, addedAgain);
        Assert.Equal(19, employee.Week(Monday).TotalHours);
        Assert.Equal(8, employee.Week(Monday.AddDays(-7)).TotalHours);
        Assert.True(employee.IsSubmitted(Monday.AddDays(-7)));
        Assert.Equal(OutcomeKind.Rejected, employee.Log("SM6", Monday.AddDays(-7), "Apollo", 1, Friday, Now).Kind);
    }

    [Fact]
    public void After_a_take_over_a_message_run_again_changes_nothing_and_an_undone_copy_stays_undone()
    {
        var guest = NewTimesheet();
        guest.Log("SM1", Monday, "Apollo", 8, Friday, Now);
        var employee = NewTimesheet();
        var handOver = guest.HandOver();
        employee.TakeOver(handOver);

        var replay = employee.Log("SM1", Monday, "Apollo", 8, Friday, Now);
        employee.Undo("SM2", Friday);
        employee.TakeOver(handOver);

        Assert.Equal(OutcomeKind.Logged, replay.Kind);
        Assert.Equal(0, employee.Week(Monday).TotalHours);
    }

    [Fact]
    public void Releasing_a_hand_over_keeps_what_was_logged_since()
    {
        var guest = NewTimesheet();
        guest.Log("SM1", Monday, "Apollo", 8, Friday, Now);
        guest.Submit("SM2", Friday, Now);
        var handOver = guest.HandOver();
        guest.Log("SM3", Monday.AddDays(-7), "Zeus", 2, Friday, Now);

        guest.Release(handOver);

        Assert.Equal(0, guest.Week(Monday).TotalHours);
        Assert.False(guest.IsSubmitted(Monday));
        Assert.Equal(2, guest.Week(Monday.AddDays(-7)).TotalHours);
    }
}
