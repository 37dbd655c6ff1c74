using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.Tokens;
using Switchboard.Grains.Conversations;

namespace Switchboard.Tests.Engine;

/// <summary>A conversation's intake, turn state machine and reply chain, without a silo.</summary>
public sealed class TurnEngineTests
{
    private const string Phone = "+15550100001";
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Steps = ["plan", "compose"];
    private static readonly ConversationOptions Options = new() { MaxPendingMessages = 2, StepMaxAttempts = 3, StepRetryBackoff = TimeSpan.FromSeconds(2), StepTimeout = TimeSpan.FromMinutes(2) };

    [Fact]
    public void Intake_decides_without_changing_anything_so_a_failed_reminder_leaves_no_trace()
    {
        var state = new ConversationState();

        var decision = ConversationIntake.Decide(state, Sms("SM1", "log 8h"), Options);

        Assert.Equal(AcceptOutcome.Queued, decision!.Outcome);
        Assert.Empty(state.Inbox);
        Assert.False(state.Recent.Contains("SM1"));
    }

    [Fact]
    public void Intake_drops_redeliveries_and_tells_an_overflow_once_per_episode()
    {
        var state = new ConversationState();
        Take(state, "SM1", "a");
        Take(state, "SM2", "b");

        Assert.Null(ConversationIntake.Decide(state, Sms("SM1", "a"), Options));
        Assert.Equal(ConversationIntake.OverflowNotice, Take(state, "SM3", "c").Notice);
        Assert.Null(Take(state, "SM4", "d").Notice);
        Assert.Equal(2, state.DroppedMessages);
    }

    [Fact]
    public void STOP_is_confirmed_by_us_only_on_WhatsApp_and_START_only_opts_back_in_who_opted_out()
    {
        var state = new ConversationState();

        Assert.Null(ConversationIntake.Decide(state, Sms("SM1", "STOP"), Options)!.Notice);
        Assert.Equal(ConversationIntake.OptOutNotice, ConversationIntake.Decide(state, Sms("SM1", "STOP") with { Channel = MessageChannel.WhatsApp }, Options)!.Notice);
        Assert.Equal(AcceptOutcome.Queued, ConversationIntake.Decide(state, Sms("SM2", "START"), Options)!.Outcome);
        Take(state, "SM3", "STOP");
        Assert.Equal(AcceptOutcome.OptedIn, Take(state, "SM4", "START").Outcome);
    }

    [Fact]
    public void A_turn_runs_its_steps_in_turn_and_then_finishes_with_the_reply()
    {
        var (state, engine) = WithTurn();

        Assert.Equal(new TurnAction.RunStep(WriteFirst: false), engine.Next(recovering: false));
        Assert.False(engine.StepDone(Done(state, 0, 5), stepsAreSlow: false)); // fast: not worth a write
        Assert.IsType<TurnAction.RunStep>(engine.Next(recovering: false));
        Assert.True(engine.StepDone(Done(state, 1, 500, reply: "Logged 8h"), stepsAreSlow: false)); // slow: stored
        Assert.Equal(new TurnAction.Finish(TurnOutcome.Answered, "Logged 8h", null), engine.Next(recovering: false));
        Assert.False(engine.End());
        Assert.Null(state.Turn);
    }

    [Fact]
    public void A_failed_step_is_retried_with_doubling_backoff_then_the_turn_apologises()
    {
        var (_, engine) = WithTurn();
        engine.Next(recovering: false);

        Assert.Equal(new TurnAction.RetryStep(TimeSpan.FromSeconds(2)), engine.StepFailed("500"));
        engine.Next(recovering: false);
        Assert.Equal(new TurnAction.RetryStep(TimeSpan.FromSeconds(4)), engine.StepFailed("500"));
        engine.Next(recovering: false);
        var finish = Assert.IsType<TurnAction.Finish>(engine.StepFailed("500"));
        Assert.Equal(TurnOutcome.Failed, finish.Outcome);
        Assert.Equal(TurnEngine.ApologyReply, finish.Reply);
    }

    [Fact]
    public void A_step_backoff_never_overflows_whatever_the_attempt_limit()
    {
        var options = new ConversationOptions { StepMaxAttempts = 20, StepRetryBackoff = TimeSpan.FromDays(1), StepTimeout = TimeSpan.FromDays(1) };
        var state = new ConversationState();
        ConversationIntake.Apply(state, Sms("SM1", "a"), new IntakeDecision(AcceptOutcome.Queued, null, null), options);
        var engine = new TurnEngine(state, Steps, options);
        engine.BeginIfIdle(Phone, T0);
        state.Turn!.StepAttempt = 19;

        Assert.Equal(new TurnAction.RetryStep(TimeSpan.FromDays(1)), engine.StepFailed("500"));
    }

    [Fact]
    public void After_a_crash_each_attempt_is_stored_first_and_a_step_that_keeps_stopping_the_process_fails_its_turn()
    {
        var (state, engine) = WithTurn();

        for (var attempt = 1; attempt <= Options.StepMaxAttempts; attempt++)
        {
            Assert.Equal(new TurnAction.RunStep(WriteFirst: true), engine.Next(recovering: true));
        }

        var finish = Assert.IsType<TurnAction.Finish>(engine.Next(recovering: true));
        Assert.Equal(TurnOutcome.Failed, finish.Outcome);
        Assert.Contains("interrupted 3 times", finish.Error);
        Assert.Equal(Options.StepMaxAttempts, state.Turn!.StepAttempt);
    }

    [Fact]
    public void A_late_failure_of_an_attempt_given_up_on_does_not_end_the_one_running()
    {
        var (state, engine) = WithTurn();
        engine.Next(recovering: false);
        engine.StepFailed("timeout");
        engine.Next(recovering: false); // attempt 2 runs

        var late = new StepCompletion("SM1", 0, null, "500", 10) { Attempt = 1 };

        Assert.False(engine.IsCurrent(late));
        Assert.True(engine.IsCurrent(late with { Attempt = 2 }));
        Assert.True(engine.IsCurrent(Done(state, 0, 10) with { Attempt = 1 })); // a result is a result, whichever attempt
    }

    [Fact]
    public void A_step_stopped_by_the_turns_token_budget_ends_the_turn_with_the_apology_at_once()
    {
        var (state, engine) = WithTurn();
        engine.Next(recovering: false);
        engine.StepDone(Done(state, 0, 900) with { Tokens = new TokenUsage(100, 20) }, stepsAreSlow: true);
        engine.Next(recovering: false);

        var stopped = new StepCompletion("SM1", 1, null, "Agents:MaxTokensPerTurn (50) spent", 3) { Attempt = 1, TurnTokenBudgetSpent = true };
        var finish = Assert.IsType<TurnAction.Finish>(engine.StepFailed(stopped)); // first attempt: no retry

        Assert.Equal(TurnOutcome.OverTokenBudget, finish.Outcome);
        Assert.Equal(TurnEngine.ApologyReply, finish.Reply);
        Assert.StartsWith("compose: Agents:MaxTokensPerTurn", finish.Error, StringComparison.Ordinal);
        Assert.Equal(new TokenUsage(100, 20), state.Turn!.Tokens);
        var plan = Assert.Single(state.Turn.Timings);
        Assert.Equal((100L, 20L), (plan.InputTokens, plan.OutputTokens));
    }

    [Fact]
    public void A_failed_attempt_that_spent_tokens_is_charged_to_the_turn_and_stored_before_the_retry()
    {
        var (state, engine) = WithTurn();
        engine.Next(recovering: false);

        var failed = new StepCompletion("SM1", 0, null, "the reply was cut off", 900) { Attempt = 1, Tokens = new TokenUsage(100, 20) };

        Assert.Equal(new TurnAction.RetryStep(TimeSpan.FromSeconds(2), WriteFirst: true), engine.StepFailed(failed));
        Assert.Equal(new TokenUsage(100, 20), state.Turn!.Tokens);
        engine.Next(recovering: false);
        engine.StepDone(Done(state, 0, 900) with { Tokens = new TokenUsage(90, 10) }, stepsAreSlow: true);
        Assert.Equal(new TokenUsage(190, 30), state.Turn.Tokens); // the turn pays for both attempts
        Assert.Equal((90L, 10L), (state.Turn.Timings[0].InputTokens, state.Turn.Timings[0].OutputTokens)); // the step shows its answer's
    }

    [Fact]
    public void The_reply_chain_never_moves_back_and_notices_stay_out_of_it()
    {
        var (state, engine) = WithTurn();
        var reply = OutboundId.ForReply(Phone, "SM1");
        state.Turn!.ReplyId = reply;
        ReplyChain.Append(state, reply);
        state.LastReplyId = OutboundId.For(Phone, "SM9", "interim");

        Assert.True(ReplyChain.Holds(state, reply)); // a finish tried again after a later message does not hand it over again
        Assert.True(ReplyChain.Joins("reply"));
        Assert.False(ReplyChain.Joins(ConversationIntake.OverflowNotice));
        Assert.Contains(OutboundId.ForReply(Phone, "SM1"), ReplyChain.ToErase(state, Phone, [])); // handed over or not
    }

    private static IntakeDecision Take(ConversationState state, string sid, string body)
    {
        var decision = ConversationIntake.Decide(state, Sms(sid, body), Options)!;
        ConversationIntake.Apply(state, Sms(sid, body), decision, Options);
        return decision;
    }

    private static (ConversationState, TurnEngine) WithTurn()
    {
        var state = new ConversationState();
        Take(state, "SM1", "log 8h on Apollo");
        var engine = new TurnEngine(state, Steps, Options);
        Assert.True(engine.BeginIfIdle(Phone, T0));
        return (state, engine);
    }

    private static StepCompletion Done(ConversationState state, int step, double ms, string? reply = null) =>
        new("SM1", step, state.Turn!.Context with { Reply = reply }, null, ms) { Attempt = state.Turn.StepAttempt };

    private static InboundSms Sms(string sid, string body) => new(sid, Phone, "+15005550006", body, T0);
}
