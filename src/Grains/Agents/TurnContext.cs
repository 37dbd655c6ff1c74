using Switchboard.Contracts;

namespace Switchboard.Grains.Agents;

/// <summary>
/// Everything a turn has worked out so far. Each agent step reads it and returns it with its own part filled in;
/// the conversation keeps it with the turn and stores it after a slow step (a fast one is cheaper to run again), so a
/// resumed turn continues from the last stored step.
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TurnContext")]
public sealed record TurnContext(string Phone, string MessageSid, string Text, DateTimeOffset ReceivedAt)
{
    /// <summary>Planner: what the sender asked for.</summary>
    [Id(0)] public TurnPlan? Plan { get; init; }

    /// <summary>Timesheet step: what happened when the plan was carried out.</summary>
    [Id(1)] public TimesheetOutcome? Outcome { get; init; }

    /// <summary>Composer: the reply in plain words.</summary>
    [Id(2)] public string? Draft { get; init; }

    /// <summary>Branding then quality: the reply as it will be sent.</summary>
    [Id(3)] public string? Reply { get; init; }

    /// <summary>Quality: how many times refinement rewrote the reply.</summary>
    [Id(4)] public int Refinements { get; init; }

    /// <summary>Planner: the sender's local date when the turn was planned, so every later step agrees on "today".</summary>
    [Id(5)] public DateOnly? Today { get; init; }

    /// <summary>The channel of the message: SMS replies have a segment budget, WhatsApp replies do not.</summary>
    [Id(6)] public MessageChannel Channel { get; init; }

    /// <summary>Photos and files attached to the message (they are not read).</summary>
    [Id(7)] public int MediaCount { get; init; }

    /// <summary>Timesheet step: the sender is an employee an operator registered (not a guest, not unknown).</summary>
    [Id(8)] public bool SenderRegistered { get; init; }
}

/// <summary>The planner's reading of one SMS.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TurnPlan")]
public sealed record TurnPlan(Intent Intent)
{
    [Id(0)] public decimal? Hours { get; init; }
    [Id(1)] public string? Project { get; init; }
    [Id(2)] public DateOnly? Date { get; init; }

    /// <summary>Set when the planner needs the sender to clarify instead of acting.</summary>
    [Id(3)] public string? Clarification { get; init; }
}

[GenerateSerializer, Alias("Switchboard.Intent")]
public enum Intent
{
    Help = 0,
    Status = 1,
    Log = 2,
    Submit = 3,
    Undo = 4,
}

/// <summary>The result of carrying out a plan, in facts the composer turns into words.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TimesheetOutcome")]
public sealed record TimesheetOutcome(OutcomeKind Kind)
{
    /// <summary>The employee's name, when known.</summary>
    [Id(0)] public string? EmployeeName { get; init; }

    /// <summary>The entry logged or removed by this turn.</summary>
    [Id(1)] public TimesheetEntryView? Entry { get; init; }

    /// <summary>The week the turn touched, after the change.</summary>
    [Id(2)] public WeekView? Week { get; init; }

    /// <summary>Why nothing was done (Rejected): in words fit for the sender.</summary>
    [Id(3)] public string? Problem { get; init; }
}

[GenerateSerializer, Alias("Switchboard.OutcomeKind")]
public enum OutcomeKind
{
    Help = 0,
    Status = 1,
    Logged = 2,
    Removed = 3,
    Submitted = 4,
    /// <summary>The request was understood but refused (submitted week, hours out of range, nothing to undo...).</summary>
    Rejected = 5,
    /// <summary>The planner asked a question instead (TurnPlan.Clarification).</summary>
    Clarify = 6,
    /// <summary>The sender is not a registered employee (and Employees:AutoEnroll is off).</summary>
    NotRegistered = 7,
}

[GenerateSerializer, Immutable, Alias("Switchboard.TimesheetEntryView")]
public sealed record TimesheetEntryView(DateOnly Date, string Project, decimal Hours);

[GenerateSerializer, Immutable, Alias("Switchboard.WeekView")]
public sealed record WeekView(DateOnly WeekStart, IReadOnlyList<TimesheetEntryView> Entries, bool Submitted)
{
    public decimal TotalHours => Entries.Sum(e => e.Hours);
}
