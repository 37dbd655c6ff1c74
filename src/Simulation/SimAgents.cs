using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.Tokens;

namespace Switchboard.Simulation;

/// <summary>
/// The agent steps as the conversation meets them: they answer (quickly, or after a slow step's checkpoint time), fail,
/// or (on a worker) never answer. The last step writes the reply. Steps are idempotent, as the real ones are.
/// </summary>
internal sealed class SimAgents(SimWorld world)
{
    public static readonly IReadOnlyList<string> Steps = ["plan", "compose", "check"];

    /// <summary>A slow step's model call spends tokens, failed or not; a step stopped by the budget made none.</summary>
    private static readonly TokenUsage ModelCall = new(100, 20);

    /// <summary>
    /// How long a step takes (null: its answer is lost), whether it fails, and whether it was stopped before its model
    /// call by the turn's token budget (on a worker only: rules steps call no model).
    /// </summary>
    public (long? Ms, bool Fails, bool OverBudget) Draw(bool slow) => world.Choices.Draw() switch
    {
        1 or 2 => (slow ? 300 : 1, true, false),
        3 => (slow ? 40_000 : 250, false, false), // late: past the step timeout on a worker; past the checkpoint threshold here
        4 when slow => (null, false, false),
        5 when slow => (5, true, true),
        _ => (slow ? 300 : 1, false, false),
    };

    public static StepCompletion Complete(StepRequest request, long ms, bool fails, bool overBudget = false, bool slow = false)
    {
        var context = request.Context;
        var result = fails ? null
            : request.StepIndex == Steps.Count - 1 ? context with { Reply = $"Reply to {context.MessageSid}" }
            : context with { Draft = $"{context.Draft}{Steps[request.StepIndex]};" };
        var error = overBudget ? "Agents:MaxTokensPerTurn spent" : fails ? "the model answered 500" : null;
        return new StepCompletion(context.MessageSid, request.StepIndex, result, error, ms)
        {
            Attempt = request.Attempt,
            Tokens = slow && !overBudget ? ModelCall : null,
            TurnTokenBudgetSpent = overBudget,
        };
    }
}

/// <summary>The history table: one row per recorded turn, each request a few milliseconds away and able to fail.</summary>
internal sealed class SimHistory(SimWorld world)
{
    private readonly Dictionary<string, SortedDictionary<long, Grains.Conversations.TurnRecord>> _rows = new(StringComparer.Ordinal);

    public Task WriteAsync(string phone, long number, Grains.Conversations.TurnRecord record) => world.Effect(2, () =>
    {
        SimStorage.MaybeFail(world, "history line");
        if (!_rows.TryGetValue(phone, out var rows))
        {
            _rows[phone] = rows = [];
        }

        rows[number] = record;
        return true;
    });

    public Task<IReadOnlyList<Grains.Conversations.TurnRecord>> ReadAsync(string phone) => world.Effect(2, () =>
    {
        SimStorage.MaybeFail(world, "history read");
        return (IReadOnlyList<Grains.Conversations.TurnRecord>)(_rows.TryGetValue(phone, out var rows) ? [.. rows.Values] : []);
    });

    public Task EraseAsync(string phone) => world.Effect(2, () =>
    {
        SimStorage.MaybeFail(world, "history erase");
        return _rows.Remove(phone);
    });

    public IEnumerable<Grains.Conversations.TurnRecord> Peek(string phone) => _rows.TryGetValue(phone, out var rows) ? rows.Values : [];
}
