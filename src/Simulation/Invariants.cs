using Switchboard.Contracts;
using Switchboard.Grains.Conversations;
using Switchboard.Grains.Outbound;

namespace Switchboard.Simulation;

/// <summary>
/// The guarantees, checked once a schedule has run to its bound: every acknowledged message reached an end, no
/// message went to Twilio twice, a sender's replies went in order, nothing went to a sender who had opted out,
/// erasure left no text.
/// </summary>
internal static class Invariants
{
    /// <summary>A send already under way when the STOP was stored may still reach Twilio within this.</summary>
    private const long OptOutRaceMs = 200;

    public static List<string> Check(Recorder recorder, SimStorage storage, SimHistory history, SimTwilio twilio)
    {
        var violations = new List<string>();
        var conversations = storage.All<ConversationState>("conversation/").ToList();
        var outbound = storage.All<OutboundState>("outbound/").ToList();

        // No stall: nothing is left pending once the bound has passed.
        foreach (var (key, state) in conversations.Where(c => c.State.Inbox.Count > 0 || c.State.Turn is not null))
        {
            violations.Add($"stall: {key} still holds {state.Inbox.Count} message(s) (turn {state.Turn?.Context.MessageSid ?? "none"})");
        }

        foreach (var (key, state) in outbound.Where(o => o.State.Status == DeliveryStatus.Pending))
        {
            violations.Add($"stall: {key} still pending after {state.Attempts.Count} attempt(s)");
        }

        // Every acknowledged message that joined an inbox reached an end: its reply was recorded (sent, failed or
        // withheld), or the person opted out or was erased after it arrived.
        foreach (var ack in recorder.Acks.Where(a => a.Outcome == AcceptOutcome.Queued))
        {
            var reply = OutboundId.ForReply(ack.Phone, ack.Sid);
            var withheld = recorder.OptChanges.Any(c => c.Phone == ack.Phone && c.OptedOut && c.AtMs >= ack.AtMs)
                || recorder.Erasures.Any(e => e.Phone == ack.Phone && e.AtMs >= ack.AtMs);
            if (!withheld && !outbound.Any(o => o.Key == "outbound/" + reply))
            {
                violations.Add($"lost: {ack.Sid} from {ack.Phone} was acknowledged but never answered");
            }
        }

        // At most one message at Twilio per outbound message.
        foreach (var doubled in twilio.Taken.GroupBy(m => m.OutboundId).Where(g => g.Count() > 1))
        {
            violations.Add($"duplicate: Twilio took {doubled.Key} {doubled.Count()} times");
        }

        // A sender's replies reach Twilio in the order their messages joined the inbox.
        var order = recorder.Acks.Where(a => recorder.InboxOrder.ContainsKey(a.Sid))
            .ToDictionary(a => OutboundId.ForReply(a.Phone, a.Sid), a => recorder.InboxOrder[a.Sid], StringComparer.Ordinal);
        foreach (var phone in twilio.Taken.GroupBy(m => m.To))
        {
            violations.AddRange(OutOfOrder(phone.Where(m => order.ContainsKey(m.OutboundId)).Select(m => (m.OutboundId, order[m.OutboundId]))));
        }

        // Every message reaches Twilio after the one it was written to wait for (a notice after the replies before it).
        var takenAt = twilio.Taken.GroupBy(m => m.OutboundId).ToDictionary(g => g.Key, g => g.Min(m => m.AtMs), StringComparer.Ordinal);
        foreach (var (key, o) in outbound)
        {
            var id = key["outbound/".Length..];
            if (o.Message?.After is { } after && takenAt.TryGetValue(id, out var at) && takenAt.TryGetValue(after, out var afterAt) && afterAt > at)
            {
                violations.Add($"out of order: {id} reached Twilio before {after}, which it waits for");
            }
        }

        // Nothing goes to a sender who opted out (the opt-out confirmation aside).
        foreach (var sent in twilio.Taken)
        {
            var lastChange = recorder.OptChanges.LastOrDefault(c => c.Phone == sent.To && c.AtMs < sent.AtMs);
            if (lastChange is { OptedOut: true } stop && stop.AtMs + OptOutRaceMs < sent.AtMs
                && !(recorder.HandedOverMessages.TryGetValue(sent.OutboundId, out var m) && m.ConfirmsOptOut))
            {
                violations.Add($"opted out: {sent.OutboundId} reached Twilio at {sent.AtMs} ms, after the STOP of {stop.AtMs} ms");
            }
        }

        // Erasure leaves no text of what came before it.
        foreach (var (phone, at) in recorder.Erasures)
        {
            var before = recorder.Acks.Where(a => a.Phone == phone && a.AtMs <= at).Select(a => a.Sid).ToHashSet(StringComparer.Ordinal);
            if (storage.Peek<ConversationState>("conversation/" + phone) is { } state && state.Inbox.Any(m => before.Contains(m.MessageSid)))
            {
                violations.Add($"erasure: {phone}'s stored inbox still holds a message from before its erasure");
            }

            if (history.Peek(phone).Any(r => before.Contains(r.MessageSid)))
            {
                violations.Add($"erasure: {phone}'s history still holds a message from before its erasure");
            }

            // The person's words and the answers to them; a courtesy notice's fixed text says nothing of them.
            foreach (var (key, o) in outbound.Where(o => o.State.Message is { Body.Length: > 0, Purpose: not "overflow" } m && m.To == phone
                && before.Any(sid => o.Key.Contains(sid, StringComparison.Ordinal))))
            {
                violations.Add($"erasure: {key} still holds its text after {phone}'s erasure");
            }
        }

        return violations;
    }

    private static IEnumerable<string> OutOfOrder(IEnumerable<(string Id, int Order)> sent)
    {
        var list = sent.ToList();
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Order < list[i - 1].Order)
            {
                yield return $"out of order: {list[i - 1].Id} reached Twilio before {list[i].Id}, written before it";
            }
        }
    }
}
