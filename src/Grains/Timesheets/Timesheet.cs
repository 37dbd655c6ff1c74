using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.Rules;

namespace Switchboard.Grains.Timesheets;

/// <summary>
/// The rules of one employee's timesheet, over its persisted state: 0 &lt; hours ≤ 24 a day, no changes to a
/// submitted week, optionally a fixed project list. Every change is keyed by the MessageSid that asked for it, so a
/// step the conversation re-runs after a crash gets the same answer and changes nothing twice.
/// Plain class: the grain persists the state, tests drive the rules directly.
/// </summary>
public sealed class Timesheet(TimesheetState state, TimesheetOptions options)
{
    public const decimal MaxHoursPerDay = 24m;

    /// <summary>Guards the state size against a sender logging tiny entries in a loop.</summary>
    public const int MaxEntriesPerDay = 48;

    public const int MaxProjectLength = 60;

    public TimesheetState State => state;

    public DateOnly WeekStartOf(DateOnly date) => TimesheetCalendar.WeekStart(date, options.WeekStartsOn);

    public WeekView Week(DateOnly weekStart)
    {
        var end = weekStart.AddDays(7);
        var entries = state.Lines
            .Where(e => e.IsLive && e.Date >= weekStart && e.Date < end)
            .OrderBy(e => e.Date)
            .ThenBy(e => e.Sequence)
            .Select(ToView)
            .ToList();
        return new WeekView(weekStart, entries, IsSubmitted(weekStart));
    }

    public bool IsSubmitted(DateOnly weekStart) => state.SubmittedWeeks.Any(w => w.WeekStart == weekStart);

    public TimesheetOutcome Status(DateOnly today) => new(OutcomeKind.Status) { Week = Week(WeekStartOf(today)) };

    public TimesheetOutcome Log(string messageSid, DateOnly date, string project, decimal hours, DateOnly today, DateTimeOffset now)
    {
        if (state.Changed(messageSid, undo: false) is { } replay)
        {
            return Logged(replay);
        }

        hours = Math.Round(hours, 2, MidpointRounding.AwayFromZero);
        project = project.Trim();
        if (hours <= 0)
        {
            return Rejected("Hours must be more than 0.");
        }

        if (hours > MaxHoursPerDay)
        {
            return Rejected($"A day has at most {SmsText.Hours(MaxHoursPerDay)}, so I can't log {SmsText.Hours(hours)}.");
        }

        if (date > today)
        {
            return Rejected($"{SmsText.Day(date, today)} is in the future: you can log hours for today or earlier.");
        }

        if (date < OldestKeptDay(today))
        {
            return Rejected($"{SmsText.Day(date, today)} is too far back: I keep the last {options.RetentionWeeks} weeks.");
        }

        var weekStart = WeekStartOf(date);
        if (IsSubmitted(weekStart))
        {
            return Rejected($"The week of {SmsText.Day(weekStart, today)} is already submitted, so it can't be changed.");
        }

        if (project.Length == 0)
        {
            return Rejected("Which project? For example: log 8h on Apollo today.");
        }

        if (project.Length > MaxProjectLength)
        {
            return Rejected($"That project name is too long (at most {MaxProjectLength} characters).");
        }

        var canonical = CanonicalProject(project);
        if (canonical is null)
        {
            return Rejected($"I don't know the project '{project}'. Projects: {string.Join(", ", options.Projects)}.");
        }

        var sameDay = state.Lines.Where(e => e.IsLive && e.Date == date).ToList();
        var dayTotal = sameDay.Sum(e => e.Hours);
        if (dayTotal + hours > MaxHoursPerDay)
        {
            return Rejected(
                $"You already have {SmsText.Hours(dayTotal)} on {SmsText.Day(date, today)}; another {SmsText.Hours(hours)} would go over {SmsText.Hours(MaxHoursPerDay)} for the day.");
        }

        if (sameDay.Count >= MaxEntriesPerDay)
        {
            return Rejected($"{SmsText.Day(date, today)} already has {MaxEntriesPerDay} entries; undo some first.");
        }

        var line = new TimesheetLine(++state.LastSequence, date, canonical, TimesheetLine.ToHundredths(hours), now);
        state.Lines.Add(line);
        state.Remember(messageSid, line.Sequence, undo: false);
        Trim(today);
        return Logged(line);
    }

    /// <summary>Removes the most recently logged entry (the one a sender means by "undo"), unless its week is submitted.</summary>
    public TimesheetOutcome Undo(string messageSid, DateOnly today)
    {
        if (state.Changed(messageSid, undo: true) is { } replay)
        {
            return Removed(replay);
        }

        // "undo" is about this week (the SMS grammar): an entry of an earlier week is never touched.
        var weekStart = WeekStartOf(today);
        if (IsSubmitted(weekStart))
        {
            return Rejected("This week is submitted, so nothing can be undone.") with { Week = Week(weekStart) };
        }

        var last = state.Lines.Where(e => e.IsLive && WeekStartOf(e.Date) == weekStart).MaxBy(e => e.Sequence);
        if (last is null)
        {
            return Rejected("There is nothing to undo this week.") with { Week = Week(weekStart) };
        }

        var removed = last with { Removed = true };
        state.Lines[state.Lines.IndexOf(last)] = removed;
        state.Remember(messageSid, removed.Sequence, undo: true);
        return Removed(removed);
    }

    public TimesheetOutcome Submit(string messageSid, DateOnly today, DateTimeOffset now)
    {
        if (state.SubmittedWeeks.FirstOrDefault(w => w.MessageSid == messageSid) is { } replay)
        {
            return new TimesheetOutcome(OutcomeKind.Submitted) { Week = Week(replay.WeekStart) };
        }

        var weekStart = WeekStartOf(today);
        var week = Week(weekStart);
        if (week.Submitted)
        {
            return Rejected($"This week (from {SmsText.Day(weekStart, today)}) is already submitted.") with { Week = week };
        }

        if (week.Entries.Count == 0)
        {
            return Rejected("Nothing is logged this week yet, so there is nothing to submit. Text 'log 8h on Apollo today' first.") with { Week = week };
        }

        state.SubmittedWeeks.Add(new SubmittedWeek(weekStart, messageSid, now));
        Trim(today);
        return new TimesheetOutcome(OutcomeKind.Submitted) { Week = Week(weekStart) };
    }

    /// <summary>Everything this timesheet holds, for another to take over (<see cref="TakeOver"/>).</summary>
    public TimesheetHandOver HandOver() => new([.. state.Lines], [.. state.SubmittedWeeks], [.. state.RecentChanges], state.LastSequence);

    /// <summary>
    /// Adds another timesheet's lines after this one's, and its submitted weeks (a submitted week stays submitted).
    /// A line already here (same day, project, hours and moment logged, as its copy has) is not added again, so a
    /// hand-over taken twice, after a crash or a retried registration, counts once. The record of recent changes comes
    /// along, so an SMS whose step runs again is still recognised. Returns how many lines that count were added.
    /// </summary>
    public int TakeOver(TimesheetHandOver handOver)
    {
        var here = state.Lines.GroupBy(Identity).ToDictionary(g => g.Key, g => g.Count());
        var added = 0;
        foreach (var line in handOver.Lines.OrderBy(l => l.Sequence))
        {
            var identity = Identity(line);
            if (here.TryGetValue(identity, out var copies) && copies > 0)
            {
                here[identity] = copies - 1;
                continue;
            }

            var copy = line with { Sequence = ++state.LastSequence };
            state.Lines.Add(copy);
            foreach (var change in handOver.Changes.Where(c => c.Sequence == line.Sequence))
            {
                state.Remember(change with { Sequence = copy.Sequence });
            }

            added += copy.IsLive ? 1 : 0;
        }

        state.SubmittedWeeks.AddRange(handOver.SubmittedWeeks.Where(w => !IsSubmitted(w.WeekStart)));
        return added;
    }

    /// <summary>Forgets what was handed over; a line logged after the hand-over stays.</summary>
    public void Release(TimesheetHandOver handOver)
    {
        state.Lines.RemoveAll(l => l.Sequence <= handOver.UpToSequence);
        state.RecentChanges.RemoveAll(c => c.Sequence <= handOver.UpToSequence);
        state.SubmittedWeeks.RemoveAll(handOver.SubmittedWeeks.Contains);
    }

    /// <summary>Drops entries (and undo tombstones) and submit records older than the retention window.</summary>
    public void Trim(DateOnly today)
    {
        var oldest = OldestKeptDay(today);
        state.Lines.RemoveAll(e => e.Date < oldest);
        state.SubmittedWeeks.RemoveAll(w => w.WeekStart < oldest);
    }

    private DateOnly OldestKeptDay(DateOnly today) => WeekStartOf(today).AddDays(-7 * (options.RetentionWeeks - 1));

    /// <summary>
    /// The project as it will be stored: the configured spelling when there is a list (forgiving one typo, "Apolo"; null
    /// when it is not on it),
    /// else the spelling already in use, so "apollo" and "Apollo" add up under one name.
    /// </summary>
    private string? CanonicalProject(string project)
    {
        if (options.Projects.Length > 0)
        {
            var known = options.Projects.Select(p => p.Trim()).ToList();
            var exact = known.FindIndex(p => string.Equals(p, project, StringComparison.OrdinalIgnoreCase));
            var index = exact >= 0 ? exact : EditDistance.Nearest(project.ToLowerInvariant(), known.Select((p, i) => (p.ToLowerInvariant(), i)));
            return index is { } i and >= 0 ? known[i] : null;
        }

        return state.Lines.LastOrDefault(e => string.Equals(e.Project, project, StringComparison.OrdinalIgnoreCase))?.Project ?? project;
    }

    private TimesheetOutcome Logged(TimesheetLine entry) =>
        new(OutcomeKind.Logged) { Entry = ToView(entry), Week = Week(WeekStartOf(entry.Date)) };

    private TimesheetOutcome Removed(TimesheetLine entry) =>
        new(OutcomeKind.Removed) { Entry = ToView(entry), Week = Week(WeekStartOf(entry.Date)) };

    private static TimesheetOutcome Rejected(string problem) => new(OutcomeKind.Rejected) { Problem = problem };

    /// <summary>
    /// What a line and its copy in another timesheet have in common: all but the sequence and whether it was undone
    /// (a copy undone here is not brought back by taking the original over again).
    /// </summary>
    private static (DateOnly, string, int, DateTimeOffset) Identity(TimesheetLine line) =>
        (line.Date, line.Project, line.Hundredths, line.LoggedAt);

    private static TimesheetEntryView ToView(TimesheetLine e) => new(e.Date, e.Project, e.Hours);
}
