namespace Switchboard.Grains.Timesheets;

/// <summary>One employee's persisted timesheet, bounded to the retention window (Timesheet:RetentionWeeks).</summary>
[GenerateSerializer, Alias("Switchboard.TimesheetState")]
public sealed class TimesheetState
{
    /// <summary>Entries in the order they were logged; undone entries stay as tombstones so a repeated undo is recognised.</summary>
    [Id(0)] public List<TimesheetEntry> Entries { get; set; } = [];

    [Id(1)] public List<SubmittedWeek> SubmittedWeeks { get; set; } = [];

    /// <summary>Orders entries by when they were logged (undo takes the latest).</summary>
    [Id(2)] public long LastSequence { get; set; }
}

/// <summary>One line of a timesheet, tagged with the SMS that created it so a re-run step adds it once.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TimesheetEntry")]
public sealed record TimesheetEntry(long Sequence, DateOnly Date, string Project, decimal Hours, string MessageSid, DateTimeOffset LoggedAt)
{
    /// <summary>The SMS whose undo removed this entry; null while the entry counts.</summary>
    [Id(0)] public string? RemovedBy { get; init; }

    public bool IsLive => RemovedBy is null;
}

[GenerateSerializer, Immutable, Alias("Switchboard.SubmittedWeek")]
public sealed record SubmittedWeek(DateOnly WeekStart, string MessageSid, DateTimeOffset SubmittedAt);
