using Switchboard.Contracts;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// The order of the messages handed over for one sender: each reply (and "working on it") waits for the one handed
/// over before it, so they reach Twilio in the order of the messages they answer. A notice (inbox full, opt-out
/// confirmed) waits behind the chain but does not join it: no later reply waits for a courtesy, and a notice holds a
/// reminder of its own. The chain never moves back: handing over again the turn's reply changes nothing.
/// </summary>
public static class ReplyChain
{
    /// <summary>Whether a message of this purpose joins the chain (the next reply waits for it).</summary>
    public static bool Joins(string purpose) => purpose is "reply" or "interim";

    /// <summary>Whether <paramref name="outboundId"/> was handed over already, as the chain's end or as the turn's reply.</summary>
    public static bool Holds(ConversationState state, string outboundId) =>
        outboundId == state.LastReplyId || outboundId == state.Turn?.ReplyId;

    /// <summary>Appends a message: the next one handed over waits for it.</summary>
    public static void Append(ConversationState state, string outboundId) => state.LastReplyId = outboundId;

    /// <summary>
    /// Every message erasure must reach: those the history names, the chain's end, and the reply and "working on it"
    /// of every message still in the inbox — handed over or not, since a hand-over whose answer was lost may have been
    /// stored (an outbound id is known from the message alone; erasing one that was never stored changes nothing).
    /// </summary>
    public static IEnumerable<string> ToErase(ConversationState state, string phone, IEnumerable<TurnRecord> recorded)
    {
        IEnumerable<string?> ids =
        [
            .. recorded.Select(t => t.OutboundId),
            state.LastReplyId,
            .. state.Inbox.SelectMany(m => new[] { OutboundId.ForReply(phone, m.MessageSid), OutboundId.For(phone, m.MessageSid, "interim") }),
        ];
        return ids.OfType<string>().Distinct(StringComparer.Ordinal);
    }
}
