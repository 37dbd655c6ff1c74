using Switchboard.Contracts;
using Switchboard.Grains.Agents;

namespace Switchboard.Grains.Conversations;

/// <summary>What a turn needs next.</summary>
public abstract record TurnAction
{
    /// <summary>Run the current step (its attempt counted). <see cref="WriteFirst"/>: store the count before it runs.</summary>
    public sealed record RunStep(bool WriteFirst) : TurnAction;

    /// <summary>
    /// Run the current step again after <see cref="Delay"/>. <see cref="WriteFirst"/>: the failed attempt spent model
    /// tokens; store them before the wait, so a crash does not forget them.
    /// </summary>
    public sealed record RetryStep(TimeSpan Delay, bool WriteFirst = false) : TurnAction;

    /// <summary>Every step ran, or the turn failed: hand the reply over and end the turn.</summary>
    public sealed record Finish(TurnOutcome Outcome, string? Reply, string? Error) : TurnAction;
}

/// <summary>
/// The turn state machine of one conversation, on its stored <see cref="ConversationState"/>: a turn answers the oldest
/// message of the inbox, one step at a time; a failed step is retried with backoff, then the turn ends with the
/// apology. Takes the clock and the steps' answers as arguments and says what follows; the grain persists, runs and
/// schedules.
/// </summary>
/// <remarks>
/// After a crash the grain is recovering: which turn was running when the process died is not known, so every step's
/// attempt is stored before it runs, and a step that keeps stopping the process fails its turn after
/// Conversation:StepMaxAttempts.
/// </remarks>
public sealed class TurnEngine(ConversationState state, IReadOnlyList<string> steps, ConversationOptions options)
{
    public const string ApologyReply = "Sorry, I couldn't finish that request. Please try again in a few minutes.";

    public ActiveTurn? Turn => state.Turn;

    public bool HasPendingWork => state.Turn is not null || state.Inbox.Count > 0;

    /// <summary>The message the turn answers.</summary>
    public InboundSms Message => state.Inbox[0];

    /// <summary>The name of the step the turn is at ("finishing" once all have run).</summary>
    public string StepName => Turn is { } t && t.StepIndex < steps.Count ? steps[t.StepIndex] : "finishing";

    /// <summary>Starts the turn of the oldest message when none runs; returns whether it did.</summary>
    public bool BeginIfIdle(string phone, DateTimeOffset now)
    {
        if (state.Turn is not null || state.Inbox.Count == 0)
        {
            return false;
        }

        var sms = state.Inbox[0];
        state.Turn = new ActiveTurn
        {
            Context = new TurnContext(phone, sms.MessageSid, InboundText.ForAgents(sms.Body), sms.ReceivedAt) { Channel = sms.Channel, MediaCount = sms.MediaCount },
            StartedAt = now,
        };
        return true;
    }

    /// <summary>What the turn does next: its next step, or its end.</summary>
    public TurnAction Next(bool recovering)
    {
        var turn = state.Turn!;
        if (turn.StepIndex >= steps.Count)
        {
            return new TurnAction.Finish(TurnOutcome.Answered, turn.Context.Reply, null);
        }

        if (recovering && turn.StepAttempt >= options.StepMaxAttempts)
        {
            return Fail($"interrupted {turn.StepAttempt} times (the process stopped during the step)");
        }

        turn.StepAttempt++;
        return new TurnAction.RunStep(WriteFirst: recovering);
    }

    /// <summary>Whether an answer belongs to the step running now (a late answer of an earlier attempt does not).</summary>
    public bool IsCurrent(StepCompletion completion) =>
        state.Turn is { } turn && turn.Context.MessageSid == completion.MessageSid && turn.StepIndex == completion.StepIndex
        && (completion.Result is not null || completion.Attempt == turn.StepAttempt);

    /// <summary>Takes a step's result; returns whether it is worth a write now (a slow step: cheaper to store than to redo).</summary>
    public bool StepDone(StepCompletion completion, bool stepsAreSlow)
    {
        var turn = state.Turn!;
        turn.Timings.Add(new StepTiming(steps[turn.StepIndex], completion.ElapsedMs, turn.StepAttempt)
        {
            InputTokens = completion.Tokens?.InputTokens,
            OutputTokens = completion.Tokens?.OutputTokens,
        });
        Charge(completion);
        turn.Context = completion.Result!;
        turn.StepIndex++;
        turn.StepAttempt = 0;
        return stepsAreSlow || completion.ElapsedMs >= options.CheckpointAfter.TotalMilliseconds;
    }

    /// <summary>A step failed (or never answered): tried again after a backoff, or, out of attempts, the turn fails.</summary>
    public TurnAction StepFailed(string error, bool spentTokens = false)
    {
        var turn = state.Turn!;
        return turn.StepAttempt < options.StepMaxAttempts
            ? new TurnAction.RetryStep(Backoff.Doubling(options.StepRetryBackoff, turn.StepAttempt, options.StepTimeout), WriteFirst: spentTokens)
            : Fail(error);
    }

    /// <summary>
    /// A step answered with a failure: what its model calls spent is charged to the turn; a step stopped by
    /// Agents:MaxTokensPerTurn ends the turn with the apology at once (another attempt would be stopped too).
    /// </summary>
    public TurnAction StepFailed(StepCompletion completion)
    {
        Charge(completion);
        var error = completion.Error ?? "the step returned nothing";
        return completion.TurnTokenBudgetSpent
            ? new TurnAction.Finish(TurnOutcome.OverTokenBudget, ApologyReply, $"{StepName}: {error}")
            : StepFailed(error, spentTokens: completion.Tokens is not null);
    }

    /// <summary>The finished turn leaves the inbox; returns whether another message waits (its turn is not begun yet).</summary>
    public bool End()
    {
        state.RecordedTurns++;
        state.Inbox.RemoveAt(0);
        state.Turn = null;
        if (state.Inbox.Count > 0)
        {
            return true;
        }

        state.OverflowNotified = false; // drained: a new overflow is told again
        return false;
    }

    /// <summary>Erasure: the inbox and the turn in progress are dropped (its late step answers no longer match).</summary>
    public void Clear()
    {
        state.Inbox.Clear();
        state.Turn = null;
        state.OverflowNotified = false;
    }

    private TurnAction.Finish Fail(string error) => new(TurnOutcome.Failed, ApologyReply, $"{StepName}: {error}");

    private void Charge(StepCompletion completion)
    {
        if (completion.Tokens is { } tokens)
        {
            state.Turn!.Tokens = tokens.Plus(state.Turn.Tokens);
        }
    }
}
