using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.Tokens;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// The persisted state of one conversation: only what changes with every message (inbox, turn, flags, the dedupe
/// record), so a write stays about a kilobyte however old the conversation. Finished turns go to
/// <see cref="IConversationHistory"/>. Bounded: inbox and dedupe record have limits (see <see cref="ConversationStorageBudget"/>).
/// </summary>
[GenerateSerializer, Alias("Switchboard.ConversationState")]
public sealed class ConversationState
{
    /// <summary>Accepted messages not yet answered, oldest first; the first is the current turn's when <see cref="Turn"/> is set.</summary>
    [Id(0)] public List<InboundSms> Inbox { get; set; } = [];

    [Id(1)] public ActiveTurn? Turn { get; set; }

    /// <summary>Before 2026-11-30: MessageSids seen lately, as text. Read once into <see cref="Recent"/>, then emptied.</summary>
    [Id(2)] public List<string> RecentMessageSids { get; set; } = [];

    /// <summary>Before 2026-11-30: finished turns kept in the state. Moved once to <see cref="IConversationHistory"/>, then emptied.</summary>
    [Id(3)] public List<TurnRecord> History { get; set; } = [];

    [Id(4)] public bool OptedOut { get; set; }

    [Id(5)] public int DroppedMessages { get; set; }

    /// <summary>The sender was told the inbox is full; reset once it drains, so they are told once per episode.</summary>
    [Id(6)] public bool OverflowNotified { get; set; }

    /// <summary>
    /// Outbound id of the last message handed over for the sender (reply, interim, overflow notice): the next waits for
    /// it, and the conversation's wake-up reminder watches it until it has reached Twilio or failed.
    /// </summary>
    [Id(7)] public string? LastReplyId { get; set; }

    /// <summary>MessageSids taken in lately, to drop redeliveries.</summary>
    [Id(8)] public RecentMessages Recent { get; set; } = new();

    /// <summary>Turns recorded so far (answered, failed, opted out, dropped...): the number of the next history record.</summary>
    [Id(9)] public long RecordedTurns { get; set; }

    /// <summary>The channel of the person's last message: reminders and other messages not answering one go there.</summary>
    [Id(10)] public MessageChannel LastChannel { get; set; }

    /// <summary>When the person's last WhatsApp message arrived: WhatsApp's 24-hour window runs from here.</summary>
    [Id(11)] public DateTimeOffset? LastWhatsAppAt { get; set; }

    /// <summary>Our number the person last texted: messages we start (reminders) go from it.</summary>
    [Id(12)] public string? TextedNumber { get; set; }

    /// <summary>What an outbound message asks before each attempt (<see cref="IConversationGrain.GetContact"/>).</summary>
    public ChannelContact Contact() => new(LastChannel, LastWhatsAppAt) { OptedOut = OptedOut, TextedNumber = TextedNumber };

    /// <summary>Any message the person sends (even STOP, or one dropped) says where they are, and on WhatsApp reopens the window.</summary>
    public void NoteChannel(InboundSms sms)
    {
        LastChannel = sms.Channel;
        TextedNumber = sms.ReplyFrom ?? TextedNumber;
        if (sms.Channel == MessageChannel.WhatsApp && (LastWhatsAppAt is null || sms.ReceivedAt > LastWhatsAppAt))
        {
            LastWhatsAppAt = sms.ReceivedAt;
        }
    }
}

/// <summary>The turn in progress: its context as of the last finished step.</summary>
[GenerateSerializer, Alias("Switchboard.ActiveTurn")]
public sealed class ActiveTurn
{
    [Id(0)] public required TurnContext Context { get; set; }

    /// <summary>Index of the next step to run; equals the step count once all have run.</summary>
    [Id(1)] public int StepIndex { get; set; }

    /// <summary>Attempts of the current step so far (0 before the first dispatch).</summary>
    [Id(2)] public int StepAttempt { get; set; }

    [Id(3)] public DateTimeOffset StartedAt { get; set; }

    [Id(4)] public List<StepTiming> Timings { get; set; } = [];

    /// <summary>The "working on it" message of Conversation:InterimReplyAfter went out for this turn.</summary>
    [Id(5)] public bool InterimSent { get; set; }

    /// <summary>The turn's reply was handed over as this outbound message: a finish tried again does not hand it over again.</summary>
    [Id(6)] public string? ReplyId { get; set; }

    /// <summary>The reply to an unregistered sender was granted from Guard:UnregisteredReplies: a finish tried again takes no more.</summary>
    [Id(7)] public bool ReplyGranted { get; set; }

    /// <summary>
    /// What the turn's model calls have spent so far, every attempt included: stored with the turn, so a crash does not
    /// hand a turn a fresh Agents:MaxTokensPerTurn.
    /// </summary>
    [Id(8)] public TokenUsage? Tokens { get; set; }
}

/// <summary>One step of a finished turn: how long it took, in how many attempts, and the tokens of its model calls.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.StepTiming")]
public sealed record StepTiming(string Step, double Milliseconds, int Attempts)
{
    /// <summary>Tokens the model read for this step; null for a step that called no model.</summary>
    [Id(0)] public long? InputTokens { get; init; }

    /// <summary>Tokens the model wrote for this step; null for a step that called no model.</summary>
    [Id(1)] public long? OutputTokens { get; init; }
}

/// <summary>A finished turn as operators see it.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TurnRecord")]
public sealed record TurnRecord(
    string MessageSid,
    string Inbound,
    string? Reply,
    TurnOutcome Outcome,
    string? OutboundId,
    DateTimeOffset ReceivedAt,
    DateTimeOffset CompletedAt,
    IReadOnlyList<StepTiming> Steps)
{
    [Id(0)] public string? Error { get; init; }

    /// <summary>The turn's trace id (32 hex digits), when the message came with a trace context.</summary>
    [Id(1)] public string? TraceId { get; init; }

    /// <summary>The channel the message came in on (and its reply went out on).</summary>
    [Id(2)] public MessageChannel Channel { get; init; }

    /// <summary>Tokens the turn's model calls read, failed attempts included; null when no model was called.</summary>
    [Id(3)] public long? InputTokens { get; init; }

    /// <summary>Tokens the turn's model calls wrote, failed attempts included; null when no model was called.</summary>
    [Id(4)] public long? OutputTokens { get; init; }

    /// <summary>A model's error page must not outgrow a table row.</summary>
    public const int MaxErrorLength = 1_000;

    /// <summary>A message as the history shows it: its first <see cref="InboundText.MaxLength"/> characters (what the agents read).</summary>
    public static TurnRecord For(InboundSms sms, TurnOutcome outcome, DateTimeOffset completedAt, string? reply = null, string? outboundId = null,
        IReadOnlyList<StepTiming>? steps = null, string? error = null, string? traceId = null, TokenUsage? tokens = null) =>
        new(sms.MessageSid, sms.Body.Length > InboundText.MaxLength ? sms.Body[..InboundText.MaxLength] : sms.Body, reply, outcome, outboundId, sms.ReceivedAt, completedAt, steps ?? [])
        {
            Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error,
            TraceId = traceId ?? SwitchboardTracing.TraceIdOf(sms.TraceParent),
            Channel = sms.Channel,
            InputTokens = tokens?.InputTokens,
            OutputTokens = tokens?.OutputTokens,
        };
}

[GenerateSerializer, Alias("Switchboard.TurnOutcome")]
public enum TurnOutcome
{
    Answered = 0,
    Failed = 1,
    OptedOut = 2,
    OptedIn = 3,
    Dropped = 4,
    IgnoredWhileOptedOut = 5,

    /// <summary>From a country outside Guard:AllowedCountries: no agent step ran, nothing was sent.</summary>
    NotServed = 6,

    /// <summary>Answered by the agents, but the reply to an unregistered number was held back (Guard:UnregisteredReplies).</summary>
    Withheld = 7,

    /// <summary>The turn spent Agents:MaxTokensPerTurn before its last model call: it made no further call, the sender got the apology.</summary>
    OverTokenBudget = 8,
}
