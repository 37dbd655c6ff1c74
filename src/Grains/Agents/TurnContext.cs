namespace Switchboard.Grains.Agents;

/// <summary>
/// Everything a turn has worked out so far. Each agent step reads it and returns it with its own part filled in;
/// the conversation persists it after every step, so a resumed turn continues from the last finished step.
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
public sealed record TimesheetOutcome(bool Succeeded, string Summary);
