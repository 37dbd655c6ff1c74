using System.Diagnostics;
using Switchboard.Contracts;
using Switchboard.Grains.Summary;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// What an activation of a conversation tells operators about itself: the "turn" span of the turn in progress (from its
/// start to the reply's hand-off, under the webhook request that brought the message) and the silo's counts of active
/// conversations and running turns (GET /admin/summary). Kept in memory only: a turn resumed after a restart starts a
/// new span under the same parent, so it continues the same trace.
/// </summary>
public sealed class TurnTelemetry(SiloActivity activity)
{
    private Activity? _span;
    private bool _turnCounted;
    private bool _conversationCounted;

    public string? TraceId => _span?.TraceId.ToHexString();

    /// <summary>Counted once started: an activation that fails to start is never counted, and may never be deactivated.</summary>
    public void ConversationStarted()
    {
        _conversationCounted = true;
        activity.AddConversations(1);
    }

    public void ConversationStopped()
    {
        EndTurn("interrupted"); // the next activation resumes the turn in a new span of the same trace
        if (_conversationCounted)
        {
            _conversationCounted = false;
            activity.AddConversations(-1);
        }
    }

    public void StartTurn(InboundSms sms, bool resumed)
    {
        EndTurn("superseded");
        CountTurn(running: true);
        _span = SwitchboardTracing.StartDetached("turn", sms.TraceParent);
        _span?.SetTag("switchboard.message_sid", sms.MessageSid);
        _span?.SetTag("switchboard.turn.resumed", resumed);
    }

    /// <summary>The turn ran to its end (answered or failed): counted for the turns-per-minute figure, then ended.</summary>
    public void FinishTurn(string outcome, string? error)
    {
        activity.CountFinishedTurn();
        EndTurn(outcome, error);
    }

    /// <summary>The turn span lives exactly as long as the turn runs in this activation: the count follows it.</summary>
    public void EndTurn(string outcome, string? error = null)
    {
        CountTurn(running: false);
        if (_span is { } span)
        {
            _span = null;
            span.SetTag("switchboard.turn.outcome", outcome);
            if (error is not null)
            {
                span.SetStatus(ActivityStatusCode.Error, error);
            }

            span.Stop();
        }
    }

    /// <summary>What the turn's children (steps, reply) are traced under: the turn span, else the webhook request.</summary>
    public string? TraceParent(InboundSms sms) => SwitchboardTracing.TraceParentOf(_span) ?? sms.TraceParent;

    /// <summary>Makes the turn span ambient for an outgoing call (its span joins the turn's trace).</summary>
    public SwitchboardTracing.Ambience Ambient() => SwitchboardTracing.AmbientAs(_span);

    private void CountTurn(bool running)
    {
        running &= _conversationCounted; // a turn resumed during activation is counted when the activation is
        if (running != _turnCounted)
        {
            _turnCounted = running;
            activity.AddTurns(running ? 1 : -1);
        }
    }
}
