using Switchboard.Grains.Conversations;

namespace Switchboard.Grains.Timesheets;

/// <summary>
/// One employee's persisted timesheet, bounded to the retention window (Timesheet:RetentionWeeks). It is rewritten on
/// every change, so lines are kept compact (about 40 bytes each) and which SMS made them is remembered only for the
/// last <see cref="RecentChangesKept"/> changes: long enough to recognise a step the conversation runs again.
/// </summary>
[GenerateSerializer, Alias("Switchboard.TimesheetState")]
public sealed class TimesheetState
{
    public const int RecentChangesKept = 32;

    /// <summary>Before 2026-11-30: entries tagged with their MessageSid as text. Read once into <see cref="Lines"/>, then emptied.</summary>
    [Id(0)] public List<TimesheetEntry> Entries { get; set; } = [];

    [Id(1)] public List<SubmittedWeek> SubmittedWeeks { get; set; } = [];

    /// <summary>Orders lines by when they were logged (undo takes the latest).</summary>
    [Id(2)] public long LastSequence { get; set; }

    /// <summary>Lines in the order they were logged; undone lines stay, marked, until they leave the retention window.</summary>
    [Id(3)] public List<TimesheetLine> Lines { get; set; } = [];

    /// <summary>The SMS behind the latest changes, oldest first, so a step run again gets the same answer and changes nothing.</summary>
    [Id(4)] public List<TimesheetChange> RecentChanges { get; set; } = [];

    /// <summary>Moves entries stored before 2026-11-30 into the compact form.</summary>
    public void Upgrade()
    {
        foreach (var entry in Entries)
        {
            Lines.Add(new TimesheetLine(entry.Sequence, entry.Date, entry.Project, TimesheetLine.ToHundredths(entry.Hours), entry.LoggedAt) { Removed = !entry.IsLive });
            Remember(entry.MessageSid, entry.Sequence, undo: false);
            if (entry.RemovedBy is { } undoneBy)
            {
                Remember(undoneBy, entry.Sequence, undo: true);
            }
        }

        Entries.Clear();
    }

    public void Remember(string messageSid, long sequence, bool undo) =>
        Remember(new TimesheetChange(RecentMessages.KeyOf(messageSid), sequence, undo));

    public void Remember(TimesheetChange change)
    {
        RecentChanges.Add(change);
        if (RecentChanges.Count > RecentChangesKept)
        {
            RecentChanges.RemoveRange(0, RecentChanges.Count - RecentChangesKept);
        }
    }

    /// <summary>The line an earlier run of the same SMS logged (or undid), if it is among the recent changes.</summary>
    public TimesheetLine? Changed(string messageSid, bool undo)
    {
        var key = RecentMessages.KeyOf(messageSid);
        return RecentChanges.LastOrDefault(c => c.Message == key && c.Undo == undo) is { } change
            ? Lines.FirstOrDefault(l => l.Sequence == change.Sequence)
            : null;
    }
}

/// <summary>One line of a timesheet: hours in hundredths (8.25h = 825).</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TimesheetLine")]
public sealed record TimesheetLine(long Sequence, DateOnly Date, string Project, int Hundredths, DateTimeOffset LoggedAt)
{
    /// <summary>Undone: kept so that an undo's replay is recognised, not counted.</summary>
    [Id(0)] public bool Removed { get; init; }

    public decimal Hours => Hundredths / 100m;

    public bool IsLive => !Removed;

    public static int ToHundredths(decimal hours) => (int)Math.Round(hours * 100, MidpointRounding.AwayFromZero);
}

/// <summary>A change and the SMS that asked for it (its <see cref="RecentMessages.KeyOf"/>, 16 bytes).</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TimesheetChange")]
public sealed record TimesheetChange(Guid Message, long Sequence, bool Undo);

/// <summary>Before 2026-11-30: one line of a timesheet, tagged with the SMS that created it. Read only to upgrade.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TimesheetEntry")]
public sealed record TimesheetEntry(long Sequence, DateOnly Date, string Project, decimal Hours, string MessageSid, DateTimeOffset LoggedAt)
{
    /// <summary>The SMS whose undo removed this entry; null while the entry counts.</summary>
    [Id(0)] public string? RemovedBy { get; init; }

    public bool IsLive => RemovedBy is null;
}

[GenerateSerializer, Immutable, Alias("Switchboard.SubmittedWeek")]
public sealed record SubmittedWeek(DateOnly WeekStart, string MessageSid, DateTimeOffset SubmittedAt);
