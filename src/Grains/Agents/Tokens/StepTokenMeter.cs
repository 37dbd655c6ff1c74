namespace Switchboard.Grains.Agents.Tokens;

/// <summary>
/// The model calls of the step running now: what they spent, and whether the turn may make another. Ambient while
/// <see cref="StepRunner"/> runs a step (an <see cref="AsyncLocal{T}"/>, as <c>Activity.Current</c> is), so the chat
/// client's pipeline charges the step and enforces Agents:MaxTokensPerTurn without the planner and composer passing
/// anything along.
/// </summary>
public sealed class StepTokenMeter(string step, TokenUsage spentByTurn, long? turnLimit)
{
    private static readonly AsyncLocal<StepTokenMeter?> Ambient = new();

    private long _input;
    private long _output;

    /// <summary>The meter of the step the calling code runs in, or null outside a step.</summary>
    public static StepTokenMeter? Current => Ambient.Value;

    public string Step => step;

    /// <summary>What this step's model calls have spent so far.</summary>
    public TokenUsage Spent => new(Interlocked.Read(ref _input), Interlocked.Read(ref _output));

    /// <summary>The turn (earlier steps and attempts, and this step) as far as it has gone.</summary>
    public TokenUsage SpentByTurn => spentByTurn.Plus(Spent);

    public long? TurnLimit => turnLimit;

    /// <summary>The turn has spent Agents:MaxTokensPerTurn: it makes no further model call.</summary>
    public bool TurnBudgetSpent => turnLimit is { } limit && SpentByTurn.Total >= limit;

    public void Add(long input, long output)
    {
        Interlocked.Add(ref _input, input);
        Interlocked.Add(ref _output, output);
    }

    /// <summary>Makes this meter ambient until the result is disposed.</summary>
    public Scope Enter()
    {
        var previous = Ambient.Value;
        Ambient.Value = this;
        return new Scope(previous);
    }

    public readonly struct Scope(StepTokenMeter? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
