using Switchboard.Contracts;

namespace Switchboard.Grains.Conversations;

/// <summary>What becomes of a new message, decided before anything changes (<see cref="ConversationIntake.Decide"/>).</summary>
/// <param name="Outcome">What the webhook is told.</param>
/// <param name="Notice">The purpose of a message the sender gets at once ("overflow", "opt-out", "opt-in"), if any.</param>
/// <param name="Untaken">How the history records a message that starts no turn; null when it joins the inbox.</param>
public sealed record IntakeDecision(AcceptOutcome Outcome, string? Notice, TurnOutcome? Untaken)
{
    /// <summary>The message joins the inbox: a turn is owed, so the wake-up reminder must be held before it is stored.</summary>
    public bool Queues => Outcome == AcceptOutcome.Queued;
}

/// <summary>
/// A conversation's intake: redeliveries dropped by MessageSid, STOP and START, the inbox bound. Decides without
/// changing the state, so nothing is taken in until the wake-up that guarantees its answer is held; then applies.
/// </summary>
public static class ConversationIntake
{
    public const string OverflowNotice = "overflow";
    public const string OptOutNotice = "opt-out";
    public const string OptInNotice = "opt-in";

    /// <summary>
    /// Null for a redelivery (its MessageSid was taken in lately). A number the service does not serve
    /// (<paramref name="served"/> false: its country is not allowed) is recorded and never answered; its STOP and START
    /// still count.
    /// </summary>
    public static IntakeDecision? Decide(ConversationState state, InboundSms sms, ConversationOptions options, bool served = true)
    {
        if (state.Recent.Contains(sms.MessageSid))
        {
            return null;
        }

        // Twilio answers STOP and START itself on SMS, not on WhatsApp or email: there the person hears it from us.
        var confirm = sms.Channel != MessageChannel.Sms && served;
        if (OptOutKeywords.IsOptOut(sms.Body))
        {
            return new(AcceptOutcome.OptedOut, confirm ? OptOutNotice : null, TurnOutcome.OptedOut);
        }

        if (state.OptedOut && OptOutKeywords.IsOptIn(sms.Body))
        {
            // Only an opted-out sender is opted back in: otherwise "yes" answers a question like any message.
            return new(AcceptOutcome.OptedIn, confirm ? OptInNotice : null, TurnOutcome.OptedIn);
        }

        if (!served)
        {
            return new(AcceptOutcome.NotServed, null, TurnOutcome.NotServed);
        }

        if (state.OptedOut)
        {
            return new(AcceptOutcome.IgnoredWhileOptedOut, null, TurnOutcome.IgnoredWhileOptedOut);
        }

        if (state.Inbox.Count >= options.MaxPendingMessages)
        {
            // The sender is told once per episode; the flag is reset when the inbox drains.
            return new(AcceptOutcome.Dropped, state.OverflowNotified ? null : OverflowNotice, TurnOutcome.Dropped);
        }

        return new(AcceptOutcome.Queued, null, null);
    }

    /// <summary>Takes the message in as decided; returns the number of its history record when it starts no turn.</summary>
    public static long? Apply(ConversationState state, InboundSms sms, IntakeDecision decision, ConversationOptions options)
    {
        state.NoteChannel(sms);
        state.Recent.Add(sms.MessageSid, options.DedupeHorizon);
        switch (decision.Outcome)
        {
            case AcceptOutcome.Queued:
                state.Inbox.Add(sms);
                return null;
            case AcceptOutcome.OptedOut:
                state.OptedOut = true;
                break;
            case AcceptOutcome.OptedIn:
                state.OptedOut = false;
                break;
            case AcceptOutcome.Dropped:
                state.DroppedMessages++;
                state.OverflowNotified = true;
                break;
        }

        return state.RecordedTurns++;
    }
}
