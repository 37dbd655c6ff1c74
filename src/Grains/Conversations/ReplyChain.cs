namespace Switchboard.Grains.Conversations;

/// <summary>
/// The order of the messages handed over for one sender (replies, "working on it", notices): each waits for the one
/// handed over before it, so they reach Twilio in the order they were written. The chain never moves back: handing
/// over again a message already in it (a finish retried after a notice, a resumed turn) changes nothing.
/// </summary>
public static class ReplyChain
{
    /// <summary>Whether <paramref name="outboundId"/> was handed over already, as the chain's end or as the turn's reply.</summary>
    public static bool Holds(ConversationState state, string outboundId) =>
        outboundId == state.LastReplyId || outboundId == state.Turn?.ReplyId;

    /// <summary>Appends a message; returns the one it must wait for.</summary>
    public static string? Append(ConversationState state, string outboundId)
    {
        var after = state.LastReplyId;
        state.LastReplyId = outboundId;
        return after;
    }
}
