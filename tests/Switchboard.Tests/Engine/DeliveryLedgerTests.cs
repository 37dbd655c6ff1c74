using Switchboard.Contracts;
using Switchboard.Grains;
using Switchboard.Grains.Outbound;

namespace Switchboard.Tests.Engine;

/// <summary>An outbound message's attempt bookkeeping and retry policy, without a silo.</summary>
public sealed class DeliveryLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly OutboundOptions Options = new() { MaxAttempts = 3, InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromMinutes(5) };

    [Fact]
    public void The_intent_marks_the_first_attempt_so_a_crash_before_its_answer_is_looked_up()
    {
        var (state, ledger) = New();

        Assert.True(ledger.IsPending);
        Assert.Equal(T0, ledger.UnknownSince);
        Assert.True(state.AttemptInFlight);
    }

    [Fact]
    public void A_lost_answer_keeps_the_outcome_unknown_and_Twilios_own_error_settles_it()
    {
        var (state, ledger) = New();

        var retry = ledger.Record(new SendResult(SendOutcome.Retryable, Error: "timed out"), state.Message!, T0.AddSeconds(10), jitter: 0.5);
        Assert.NotNull(retry);
        Assert.Equal(T0, ledger.UnknownSince); // a timeout: Twilio may have it

        Assert.True(ledger.NothingArrived(T0.AddSeconds(12)));
        ledger.BeginAttempt(T0.AddSeconds(12));
        ledger.Record(new SendResult(SendOutcome.Retryable, HttpStatus: 500, ErrorCode: "20500"), state.Message!, T0.AddSeconds(13), jitter: 0.5);
        Assert.Null(ledger.UnknownSince); // Twilio answered: this attempt did not take
    }

    [Fact]
    public void A_match_in_Twilios_list_is_adopted_as_accepted()
    {
        var (state, ledger) = New();
        ledger.Record(new SendResult(SendOutcome.Retryable, HttpStatus: 502) { NotFromTwilio = true }, state.Message!, T0.AddSeconds(1), jitter: 0.5);

        ledger.Adopt("SM123", T0.AddSeconds(3));

        Assert.Equal(DeliveryStatus.Accepted, state.Status);
        Assert.Equal("SM123", state.TwilioSid);
        Assert.Null(ledger.UnknownSince);
        Assert.False(ledger.IsPending);
    }

    [Fact]
    public void An_interrupted_attempt_counts_so_a_call_that_keeps_stopping_the_process_ends()
    {
        var (state, ledger) = New();
        for (var i = 1; i < Options.MaxAttempts; i++)
        {
            Assert.True(ledger.NothingArrived(T0.AddSeconds(i)));
            ledger.BeginAttempt(T0.AddSeconds(i)); // and the process stops again
        }

        Assert.False(ledger.NothingArrived(T0.AddMinutes(1)));
        Assert.Equal(DeliveryStatus.GaveUp, state.Status);
        Assert.Equal(Options.MaxAttempts, state.Attempts.Count);
        Assert.All(state.Attempts, a => Assert.Equal(DeliveryLedger.InterruptedAttempt, a.Error));
    }

    [Fact]
    public void A_first_attempt_that_never_started_leaves_nothing_unknown()
    {
        var (state, ledger) = New();

        ledger.Unmark(); // it waited behind the previous reply instead

        Assert.Null(ledger.UnknownSince);
        Assert.Empty(state.Attempts);
    }

    [Fact]
    public void Records_of_earlier_versions_with_only_the_flags_are_looked_up_since_their_creation()
    {
        var state = new OutboundState { Message = new OutboundSms("+15550100001", "hi", "reply"), CreatedAt = T0, AttemptInFlight = true };

        Assert.Equal(T0, new DeliveryLedger(state, Options).UnknownSince);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(9, 300)]
    [InlineData(100, 300)] // 2s × 2^99 would overflow a TimeSpan: the doubling stops at the cap
    public void Backoff_doubles_up_to_its_cap_for_any_attempt(int attempt, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.Doubling(TimeSpan.FromSeconds(2), attempt, TimeSpan.FromMinutes(5)));
        var ledger = new DeliveryLedger(new OutboundState(), Options);
        Assert.Equal(TimeSpan.FromSeconds(seconds), ledger.RetryDelay(attempt, retryAfter: null, jitter: 0.5));
    }

    [Fact]
    public void A_Retry_After_is_a_floor_capped_by_MaxBackoff()
    {
        var ledger = new DeliveryLedger(new OutboundState(), Options);

        Assert.Equal(TimeSpan.FromSeconds(30), ledger.RetryDelay(1, TimeSpan.FromSeconds(30), jitter: 0));
        Assert.Equal(Options.MaxBackoff, ledger.RetryDelay(1, TimeSpan.FromHours(1), jitter: 0));
    }

    private static (OutboundState State, DeliveryLedger Ledger) New()
    {
        var state = new OutboundState();
        DeliveryLedger.Create(state, new OutboundSms("+15550100001", "hello", "reply"), T0);
        return (state, new DeliveryLedger(state, Options));
    }
}
