namespace Switchboard.Grains.Agents.Tokens;

/// <summary>
/// A model call refused before it was made: the turn has spent Agents:MaxTokensPerTurn. Not a failure to retry: the
/// turn ends with the apology.
/// </summary>
public sealed class TurnTokenBudgetSpentException(long limit, long spent)
    : Exception($"Agents:MaxTokensPerTurn ({limit}) spent: {spent} tokens so far, no further model call");
