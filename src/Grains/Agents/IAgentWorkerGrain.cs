using Orleans.Concurrency;
using Switchboard.Grains.Agents.Tokens;

namespace Switchboard.Grains.Agents;

/// <summary>
/// Runs one agent step away from the conversation grain, so the conversation keeps accepting messages while a
/// slow step (an LLM call, 3-20 s) is under way. The worker calls the conversation back with the result.
/// </summary>
[Alias("Switchboard.IAgentWorkerGrain")]
public interface IAgentWorkerGrain : IGrainWithIntegerKey
{
    [OneWay, Alias("RunStep")]
    Task RunStep(StepRequest request);
}

[GenerateSerializer, Immutable, Alias("Switchboard.StepRequest")]
public sealed record StepRequest(int StepIndex, TurnContext Context)
{
    /// <summary>W3C traceparent of the turn: the worker's "step …" span is its child.</summary>
    [Id(0)] public string? TraceParent { get; init; }

    /// <summary>Which attempt of the step this is: a late failure of an earlier attempt is told apart and ignored.</summary>
    [Id(1)] public int Attempt { get; init; }

    /// <summary>What the turn's model calls have spent before this step (Agents:MaxTokensPerTurn counts from here).</summary>
    [Id(2)] public TokenUsage? TurnTokens { get; init; }
}

/// <summary>A finished step: the updated context, or the error that stopped it.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.StepCompletion")]
public sealed record StepCompletion(string MessageSid, int StepIndex, TurnContext? Result, string? Error, double ElapsedMs)
{
    /// <summary>The attempt of <see cref="StepRequest.Attempt"/> this answers.</summary>
    [Id(0)] public int Attempt { get; init; }

    /// <summary>What the step's model calls spent (null: it made none), whether the step succeeded or not.</summary>
    [Id(1)] public TokenUsage? Tokens { get; init; }

    /// <summary>The step stopped before a model call because the turn has spent Agents:MaxTokensPerTurn: not to be retried.</summary>
    [Id(2)] public bool TurnTokenBudgetSpent { get; init; }
}
