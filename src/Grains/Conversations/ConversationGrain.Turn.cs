using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Guard;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// How a conversation runs a turn: each step in turn (a slow one on an agent worker that calls back, a fast one here
/// on a timer), a failed step again after a backoff, then the finish, which hands the reply over behind the sender's
/// previous one and records the turn. What happens next is <see cref="TurnEngine"/>'s to say.
/// </summary>
public sealed partial class ConversationGrain
{
    public async Task CompleteStep(StepCompletion completion)
    {
        var engine = Engine;
        if (_resumeDue || !engine.IsCurrent(completion))
        {
            return; // a late answer to an attempt given up on, or from before a restart: steps are idempotent, drop it
        }

        Timers.Cancel();
        if (completion.Result is null)
        {
            await StepFailedAsync(Engine.StepFailed(completion), completion.Error ?? "the step returned nothing");
            return;
        }

        if (engine.StepDone(completion, agentOptions.Value.StepsAreSlow))
        {
            await WriteStateAsync(); // worth keeping: a crash now resumes after this step
        }
        else
        {
            _unsaved = true; // cheaper to run again after a crash than to write now
        }

        await AdvanceAsync();
    }

    private async Task AdvanceAsync()
    {
        switch (Engine.Next(_recovering))
        {
            case TurnAction.RunStep(var writeFirst):
                if (writeFirst)
                {
                    await WriteStateAsync();
                }

                RunCurrentStep();
                break;
            case TurnAction.Finish finish:
                await TryFinishTurnAsync(finish);
                break;
        }
    }

    private Task StepFailedAsync(string error) => StepFailedAsync(Engine.StepFailed(error), error);

    private async Task StepFailedAsync(TurnAction next, string error)
    {
        var turn = State.Turn!;
        switch (next)
        {
            case TurnAction.RetryStep(var delay, var writeFirst):
                if (writeFirst)
                {
                    await WriteStateAsync(); // the failed attempt's model tokens count toward the turn's budget after a crash too
                }

                ConversationLog.StepRetry(logger, Masked, turn.Context.MessageSid, Engine.StepName, turn.StepAttempt, delay, error);
                Timers.Arm(delay, turn, AdvanceAsync);
                break;
            case TurnAction.Finish finish:
                await TryFinishTurnAsync(finish);
                break;
        }
    }

    /// <summary>
    /// Ends the turn; if the hand-off to the outbound grain or a write fails (storage trouble), the finished turn stays
    /// as it is and the finish is tried again after a pause, so the reply is neither lost nor doubled.
    /// </summary>
    private async Task TryFinishTurnAsync(TurnAction.Finish finish)
    {
        var turn = State.Turn!;
        try
        {
            await FinishTurnAsync(turn, finish);
        }
        catch (Exception ex)
        {
            ConversationLog.FinishFailed(logger, Masked, turn.Context.MessageSid, options.Value.StepRetryBackoff, PhoneMask.Describe(ex));
            Timers.Arm(options.Value.StepRetryBackoff, turn, () => TryFinishTurnAsync(finish));
        }
    }

    private async Task FinishTurnAsync(ActiveTurn turn, TurnAction.Finish finish)
    {
        var sms = Engine.Message;
        var (outcome, reply, error) = (finish.Outcome, finish.Reply, finish.Error);
        if (finish.Outcome == TurnOutcome.Failed)
        {
            ConversationLog.TurnFailed(logger, Masked, sms.MessageSid, Engine.StepName, error ?? "");
        }

        if (string.IsNullOrWhiteSpace(reply))
        {
            error ??= "no reply was produced";
        }
        else if (!State.OptedOut && !await ReplyGrantedAsync(turn)) // a reply to be withheld anyway takes nothing from the budget
        {
            (outcome, error) = (TurnOutcome.Withheld, "reply withheld: Guard:UnregisteredReplies to unregistered numbers already sent in this window");
            SwitchboardMetrics.WithheldReplies.Add(1);
        }
        else
        {
            // Handed over even to a sender who opted out (its gate withholds it): a hand-over whose answer was lost may
            // have stored it, and only handing it over again makes sure it ends instead of waiting for nobody.
            if (State.OptedOut)
            {
                error ??= "reply not sent: the sender opted out";
            }

            Timers.StopInterim(); // no "working on it" after the answer, even if the rest of the finish fails and is tried again
            turn.ReplyId = await SendAsync(sms.MessageSid, reply, "reply", sms, _telemetry.TraceParent(sms));
        }

        var completedAt = time.GetUtcNow();
        await History.WriteFinishedAsync(State.RecordedTurns, TurnRecord.For(sms, outcome, completedAt, reply, turn.ReplyId, turn.Timings, error, _telemetry.TraceId, turn.Tokens));
        _telemetry.FinishTurn(outcome.ToString(), error);
        Timers.StopInterim();
        (outcome switch
        {
            TurnOutcome.Failed => SwitchboardMetrics.TurnsFailed,
            TurnOutcome.OverTokenBudget => SwitchboardMetrics.TurnsOverTokenBudget,
            _ => SwitchboardMetrics.TurnsAnswered,
        }).Add(1);
        SwitchboardMetrics.TurnDuration.Record((completedAt - turn.StartedAt).TotalMilliseconds);

        // Not written now: the history has the turn, and the next message (or going idle) writes the state. A crash
        // in between runs this turn again, which changes nothing twice.
        _unsaved = true;
        if (!Engine.End())
        {
            _recovering = false; // every turn that may have been running at the crash has ended
            return;
        }

        Engine.BeginIfIdle(Phone, time.GetUtcNow());
        _telemetry.StartTurn(Engine.Message, resumed: false);
        Timers.Arm(TimeSpan.Zero, State.Turn!, AdvanceAsync); // on a timer: a failure there must not retry this finish
    }

    /// <summary>
    /// Whether the turn's reply may go: always to a registered employee; to anyone else (unknown, a guest) only while
    /// Guard:UnregisteredReplies lasts, asked once per turn (a finish tried again does not take twice).
    /// </summary>
    private async Task<bool> ReplyGrantedAsync(ActiveTurn turn)
    {
        if (turn.Context.SenderRegistered || turn.ReplyGranted || turn.ReplyId is not null)
        {
            return true;
        }

        if (turn.Context.Outcome is null && await GrainFactory.GetGrain<IEmployeeGrain>(Phone).Get() is { IsGuest: false })
        {
            return true; // the turn failed before the timesheet step looked the sender up: an employee's apology goes
        }

        turn.ReplyGranted = await GrainFactory.GetGrain<IUnregisteredReplyBudgetGrain>(0).TryTake();
        return turn.ReplyGranted;
    }

    /// <summary>
    /// Hands a message to its outbound grain, behind the last reply handed over for the sender (see
    /// <see cref="ReplyChain"/>). The grain is keyed by the inbound MessageSid and the purpose, so a repeated hand-off
    /// lands on the same grain; returns its id.
    /// </summary>
    private async Task<string> SendAsync(string messageSid, string body, string purpose, InboundSms answering, string? traceParent, bool confirmsOptOut = false)
    {
        var outboundId = OutboundId.For(Phone, messageSid, purpose);
        if (ReplyChain.Holds(State, outboundId))
        {
            return outboundId; // handed over already: the chain never moves back
        }

        using (_telemetry.Ambient())
        {
            await GrainFactory.GetGrain<IOutboundSmsGrain>(outboundId).Send(new OutboundSms(Phone, body, purpose)
            {
                After = State.LastReplyId,
                StatusCallbackUrl = answering.StatusCallbackUrl,
                // Our wake-up reminder, when held, stays until this message has settled; but only a reply's hand-over is
                // repeated until it succeeds (the finish). A notice whose hand-over failed may still have been stored,
                // and nothing would come back for it: it holds a reminder of its own.
                WatchedBySender = _reminder.IsHeld && purpose == "reply",
                TraceParent = traceParent, // its attempts' "send" spans join the turn's trace
                Channel = answering.Channel, // answered on the channel it came in on
                From = answering.ReplyFrom, // from the number the person texted
                Email = answering.Email is { } mail ? OutboundEmail.Answering(mail) : null, // threaded under the mail it answers
                ConfirmsOptOut = confirmsOptOut,
            });
        }

        if (ReplyChain.Joins(purpose))
        {
            ReplyChain.Append(State, outboundId);
            _lastReplySettled = false;
            _unsaved = true; // the next reply waits behind this one, also after a restart
        }

        return outboundId;
    }

    /// <summary>
    /// Runs the current step (its attempt already counted): a slow step on an agent worker, watched by a timer; a fast
    /// one here, on a timer due at once, so messages that arrive meanwhile are taken in between steps.
    /// </summary>
    private void RunCurrentStep()
    {
        var turn = State.Turn!;
        var request = new StepRequest(turn.StepIndex, turn.Context)
        {
            TraceParent = _telemetry.TraceParent(Engine.Message),
            Attempt = turn.StepAttempt,
            TurnTokens = turn.Tokens,
        };
        if (!agentOptions.Value.StepsAreSlow)
        {
            Timers.Arm(TimeSpan.Zero, turn, async () => await CompleteStep(await StepRunner.RunAsync(pipeline, request, agentOptions.Value, time, logger)));
            return;
        }

        using (_telemetry.Ambient())
        {
            GrainFactory.GetGrain<IAgentWorkerGrain>(0).RunStep(request).Ignore();
        }

        // The worker's answer can be lost (its silo died, the message was dropped): ask again after a while.
        Timers.Arm(options.Value.StepTimeout + TimeSpan.FromMilliseconds(agentOptions.Value.StepDelayMs), turn, () => StepFailedAsync("no answer from the agent worker"));
        if (options.Value.InterimReplyAfter is { } after)
        {
            Timers.ArmInterim(turn, after, time.GetUtcNow(), SendInterimReplyAsync);
        }
    }

    private async Task SendInterimReplyAsync(string messageSid)
    {
        if (State.Turn is not { InterimSent: false } turn || turn.Context.MessageSid != messageSid || State.OptedOut)
        {
            return;
        }

        await SendAsync(messageSid, InterimReply, "interim", Engine.Message, _telemetry.TraceParent(Engine.Message));
        turn.InterimSent = true;
        await WriteStateAsync();
    }
}
