namespace Switchboard.Grains.Agents.Rules;

/// <summary>The words that say what a sender wants, with the typos we forgive ("chek", "sumbit", "udno").</summary>
internal static class Keywords
{
    private static readonly Dictionary<string, Command> Exact = new(StringComparer.Ordinal)
    {
        ["log"] = Command.Log, ["lgo"] = Command.Log, ["logg"] = Command.Log, ["add"] = Command.Log, ["record"] = Command.Log,
        ["enter"] = Command.Log, ["book"] = Command.Log, ["track"] = Command.Log,
        ["worked"] = Command.Worked, ["work"] = Command.Worked, ["spent"] = Command.Worked, ["did"] = Command.Worked,
        ["logged"] = Command.Worked,
        ["check"] = Command.Status, ["chk"] = Command.Status, ["status"] = Command.Status, ["stat"] = Command.Status,
        ["stats"] = Command.Status, ["hours"] = Command.Status, ["hour"] = Command.Status, ["hrs"] = Command.Status,
        ["timesheet"] = Command.Status, ["timesheets"] = Command.Status, ["show"] = Command.Status, ["view"] = Command.Status,
        ["see"] = Command.Status, ["summary"] = Command.Status, ["total"] = Command.Status, ["totals"] = Command.Status,
        ["list"] = Command.Status, ["report"] = Command.Status,
        ["submit"] = Command.Submit, ["lodge"] = Command.Submit, ["finalise"] = Command.Submit, ["finalize"] = Command.Submit,
        ["undo"] = Command.Undo, ["revert"] = Command.Undo, ["oops"] = Command.Undo, ["remove"] = Command.Undo,
        ["delete"] = Command.Undo, ["scratch"] = Command.Undo, // not "cancel": an opt-out word at Twilio
        ["help"] = Command.Help, ["hlp"] = Command.Help, ["commands"] = Command.Help, ["usage"] = Command.Help,
        ["menu"] = Command.Help, ["info"] = Command.Help,
    };

    /// <summary>Only distinctive keywords are matched with typos: "list" or "show" would swallow "last" or "snow".</summary>
    private static readonly (string Word, Command Value)[] Forgiving =
    [
        ("check", Command.Status), ("status", Command.Status), ("hours", Command.Status), ("timesheet", Command.Status),
        ("summary", Command.Status), ("submit", Command.Submit), ("finalise", Command.Submit), ("undo", Command.Undo),
        ("revert", Command.Undo), ("remove", Command.Undo), ("delete", Command.Undo), ("help", Command.Help),
        ("record", Command.Log),
    ];

    public static Command? Match(string lower) =>
        Exact.TryGetValue(lower, out var command) ? command
        : lower.All(char.IsLetter) ? EditDistance.Nearest(lower, Forgiving)
        : null;
}
