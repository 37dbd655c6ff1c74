using Switchboard.Contracts;
using Switchboard.Grains.Conversations;

namespace Switchboard.Simulation;

/// <summary>What happened, as an observer outside the service saw it: what the webhook acknowledged, what was handed over, opt-outs and erasures.</summary>
internal sealed class Recorder(SimLoop loop)
{
    public sealed record Ack(string Phone, string Sid, string Body, AcceptOutcome Outcome, long AtMs);

    public List<Ack> Acks { get; } = [];

    public Dictionary<string, OutboundSms> HandedOverMessages { get; } = new(StringComparer.Ordinal);

    public List<(string Phone, long AtMs)> Erasures { get; } = [];

    public HashSet<string> EndedTurns { get; } = new(StringComparer.Ordinal);

    /// <summary>Each message's place in its sender's inbox: the last time it was queued (a queueing whose write failed is redone).</summary>
    public Dictionary<string, int> InboxOrder { get; } = new(StringComparer.Ordinal);

    /// <summary>STOP and START as storage took them in (a STOP stored while its webhook failed counts from then).</summary>
    public List<(string Phone, bool OptedOut, long AtMs)> OptChanges { get; } = [];

    public void OptChanged(string phone, bool optedOut) => OptChanges.Add((phone, optedOut, loop.Now));

    public void Queued(string sid) => InboxOrder[sid] = _queued++;

    private int _queued;

    public void Acknowledged(string phone, string sid, string body, AcceptOutcome outcome)
    {
        if (!Acks.Any(a => a.Sid == sid))
        {
            Acks.Add(new Ack(phone, sid, body, outcome, loop.Now));
        }
    }

    public void HandedOver(string phone, string outboundId, OutboundSms message) => HandedOverMessages.TryAdd(outboundId, message);

    public void TurnEnded(string phone, string sid, TurnOutcome outcome, string? replyId) => EndedTurns.Add(sid);

    public void Erased(string phone) => Erasures.Add((phone, loop.Now));
}
