namespace Switchboard.Grains.Conversations;

/// <summary>State written before 2026-11-30 kept MessageSids as text and the history inside it: moved out once, on activation.</summary>
internal static class ConversationUpgrade
{
    public static async Task MoveOldHistoryAsync(ConversationState state, string phone, IConversationHistory history, ConversationOptions options, Func<Task> write)
    {
        if (state.RecentMessageSids.Count == 0 && state.History.Count == 0)
        {
            return;
        }

        foreach (var sid in state.RecentMessageSids)
        {
            state.Recent.Add(sid, options.DedupeHorizon);
        }

        foreach (var turn in state.History)
        {
            await history.WriteAsync(phone, state.RecordedTurns++, turn, options.HistoryLength);
        }

        state.RecentMessageSids.Clear();
        state.History.Clear();
        await write();
    }
}
