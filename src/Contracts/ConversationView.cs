namespace Switchboard.Contracts;

/// <summary>What operators see of one conversation (GET /admin/conversations/{phone}).</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ConversationView")]
public sealed record ConversationView(
    string Phone,
    bool OptedOut,
    IReadOnlyList<PendingMessageView> Pending,
    CurrentTurnView? CurrentTurn,
    IReadOnlyList<TurnView> RecentTurns,
    int DroppedMessages)
{
    /// <summary>The channel the person last wrote on (reminders go there).</summary>
    [Id(0)] public MessageChannel LastChannel { get; init; }

    /// <summary>When their last WhatsApp message came: free-form WhatsApp replies only within 24 hours of it.</summary>
    [Id(1)] public DateTimeOffset? LastWhatsAppAt { get; init; }
}

[GenerateSerializer, Immutable, Alias("Switchboard.PendingMessageView")]
public sealed record PendingMessageView(string MessageSid, string Body, DateTimeOffset ReceivedAt)
{
    [Id(0)] public MessageChannel Channel { get; init; }
}

[GenerateSerializer, Immutable, Alias("Switchboard.CurrentTurnView")]
public sealed record CurrentTurnView(string MessageSid, string Step, int StepIndex, int StepAttempt, DateTimeOffset StartedAt);

[GenerateSerializer, Immutable, Alias("Switchboard.TurnView")]
public sealed record TurnView(
    string MessageSid,
    string Inbound,
    string? Reply,
    string Outcome,
    string? OutboundId,
    DateTimeOffset ReceivedAt,
    DateTimeOffset CompletedAt,
    IReadOnlyList<StepTimingView> Steps)
{
    /// <summary>Why the turn failed or its reply was not sent.</summary>
    [Id(0)] public string? Error { get; init; }

    /// <summary>The trace (32 hex digits) that holds the webhook request, the turn, its steps and the reply's send.</summary>
    [Id(1)] public string? TraceId { get; init; }

    /// <summary>The channel the message came in on (and its reply went out on).</summary>
    [Id(2)] public MessageChannel Channel { get; init; }

    /// <summary>Tokens the turn's model calls read, failed attempts included; null when no model was called.</summary>
    [Id(3)] public long? InputTokens { get; init; }

    /// <summary>Tokens the turn's model calls wrote, failed attempts included; null when no model was called.</summary>
    [Id(4)] public long? OutputTokens { get; init; }
}

[GenerateSerializer, Immutable, Alias("Switchboard.StepTimingView")]
public sealed record StepTimingView(string Step, double Milliseconds, int Attempts)
{
    /// <summary>Tokens the model read for this step; null for a step that called no model.</summary>
    [Id(0)] public long? InputTokens { get; init; }

    /// <summary>Tokens the model wrote for this step; null for a step that called no model.</summary>
    [Id(1)] public long? OutputTokens { get; init; }
}
