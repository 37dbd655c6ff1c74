using Switchboard.Contracts;

namespace Switchboard.Grains.Conversations;

/// <summary>What operators see of a conversation (GET /admin/conversations/{phone}, the dev phone).</summary>
internal static class ConversationViews
{
    public static ConversationView Of(string phone, ConversationState state, string stepName, IEnumerable<TurnRecord> recent)
    {
        var current = state.Turn is { } turn
            ? new CurrentTurnView(turn.Context.MessageSid, stepName, turn.StepIndex, turn.StepAttempt, turn.StartedAt)
            : null;
        return new ConversationView(
            phone,
            state.OptedOut,
            [.. state.Inbox.Select(m => new PendingMessageView(m.MessageSid, m.Body, m.ReceivedAt) { Channel = m.Channel })],
            current,
            [.. recent.Select(Of)],
            state.DroppedMessages) { LastChannel = state.LastChannel, LastWhatsAppAt = state.LastWhatsAppAt };
    }

    private static TurnView Of(TurnRecord r) => new(
        r.MessageSid,
        r.Inbound,
        r.Reply,
        r.Outcome.ToString(),
        r.OutboundId,
        r.ReceivedAt,
        r.CompletedAt,
        [.. r.Steps.Select(s => new StepTimingView(s.Step, s.Milliseconds, s.Attempts) { InputTokens = s.InputTokens, OutputTokens = s.OutputTokens })])
    {
        Error = r.Error,
        TraceId = r.TraceId,
        Channel = r.Channel,
        InputTokens = r.InputTokens,
        OutputTokens = r.OutputTokens,
    };
}
