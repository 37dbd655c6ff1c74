namespace Switchboard.Grains.Agents.Rules;

/// <summary>What a keyword asks for. <see cref="Worked"/> ("worked", "spent", "logged") logs when hours follow, else asks for the status.</summary>
internal enum Command
{
    Log,
    Worked,
    Status,
    Submit,
    Undo,
    Help,
}
