using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Summary;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// One sender's conversation: a durable inbox answered one turn at a time. The shell around
/// <see cref="ConversationIntake"/>, <see cref="TurnEngine"/> and <see cref="ReplyChain"/>, which decide; this grain
/// persists, schedules and calls. A slow step (a model call) runs on an <see cref="IAgentWorkerGrain"/> that calls back;
/// a fast one (rules) runs here on a timer, one grain turn each. Not reentrant: every state change is one grain turn.
/// </summary>
/// <remarks>
/// What is written when (a rules turn costs one state write, on receipt, and one history write):
/// <list type="bullet">
/// <item>a message is stored (with the dedupe record) before it is acknowledged, its wake-up reminder held first;</item>
/// <item>a step's result is stored only when the step was slow (Conversation:CheckpointAfter) or remote, so a crash
/// repeats at most fast steps (all steps are idempotent; timesheet changes are keyed by MessageSid);</item>
/// <item>a finished turn is written to <see cref="IConversationHistory"/> once; the state that says it is finished is
/// written with the next message, or when the conversation goes idle. A crash before that runs the finished turn
/// again: its reply goes to the same outbound grain, which never sends twice.</item>
/// </list>
/// </remarks>
public sealed class ConversationGrain(
    [PersistentState("conversation", StorageNames.State)] IPersistentState<ConversationState> state,
    AgentPipeline pipeline,
    IOptions<ConversationOptions> options,
    IOptions<AgentOptions> agentOptions,
    IConversationHistory history,
    TimeProvider time,
    SiloActivity activity,
    ILogger<ConversationGrain> logger)
    : Grain, IConversationGrain, IConversationTurnGrain, IRemindable
{
    public const string ApologyReply = TurnEngine.ApologyReply;
    public const string OverflowReply = "You're texting faster than I can answer. I'll answer your earlier messages first; please resend anything newer later.";
    public const string InterimReply = "Working on it - I'll text you the answer shortly.";
    public const string WhatsAppOptOutReply = "You're unsubscribed: nothing more will be sent to you here. Reply START to subscribe again.";
    public const string WhatsAppOptInReply = "You're subscribed again. Text 'help' to see what I can do.";

    /// <summary>A finished turn's line is written this many times at most: the inbox must not wait for the history table.</summary>
    private const int HistoryAttempts = 3;

    private readonly GrainReminderHandle _reminder = new("conversation-wakeup", options.Value.ReminderPeriod);
    private readonly TurnTelemetry _telemetry = new(activity);
    private IGrainTimer? _stepTimer;
    private IGrainTimer? _interimTimer;

    /// <summary>The state holds turn progress that storage does not have yet (fast steps, a finished turn).</summary>
    private bool _unsaved;

    /// <summary>This activation found work under way when its silo stopped: see <see cref="TurnEngine"/>'s remarks.</summary>
    private bool _recovering;

    /// <summary>Work found on activation resumes on a timer (<see cref="OnActivateAsync"/>); until then nothing else starts it.</summary>
    private bool _resumeDue;

    private int _historyFailures;

    /// <summary>Last time a message arrived (or the activation started): the wake-up reminder is released after an idle while.</summary>
    private DateTimeOffset _lastActivity;

    /// <summary>The last message handed over for the sender has reached Twilio or failed: nothing left to watch.</summary>
    private bool _lastReplySettled;

    private ConversationState State => state.State;
    private TurnEngine Engine => new(State, pipeline.Names, options.Value);
    private string Phone => this.GetPrimaryKeyString();
    private string Masked => PhoneMask.Mask(Phone);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastActivity = time.GetUtcNow();
        await ConversationUpgrade.MoveOldHistoryAsync(State, Phone, history, options.Value, WriteStateAsync);
        if (Engine.HasPendingWork)
        {
            // Pending work is only ever stored with the reminder registered first (see Receive). It resumes on a timer,
            // after the activation: a call made from here could wait for a grain that waits for this activation (a
            // retrying reply woken by its reminder asks GetContact) until the response timeout.
            _reminder.MarkHeld();
            _recovering = _resumeDue = true;
            this.RegisterGrainTimer(_ => ResumeAsync(), new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
        }

        _telemetry.ConversationStarted();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _telemetry.ConversationStopped();
        if (reason.ReasonCode != DeactivationReasonCode.ApplicationError)
        {
            await SaveUnsavedAsync(); // best effort: a finished turn not saved only runs again
        }
    }

    private Task ResumeAsync()
    {
        if (!_resumeDue)
        {
            return Task.CompletedTask;
        }

        _resumeDue = false;
        var resumed = State.Turn is not null;
        if (!resumed && !Engine.BeginIfIdle(Phone, time.GetUtcNow()))
        {
            return Task.CompletedTask; // erased meanwhile
        }

        if (resumed)
        {
            ConversationLog.TurnResumed(logger, Masked, State.Turn!.Context.MessageSid, State.Turn.StepIndex);
        }

        _telemetry.StartTurn(Engine.Message, resumed);
        return AdvanceAsync();
    }

    public async Task Enqueue(InboundSms sms)
    {
        try
        {
            await Receive(sms);
        }
        catch (Exception ex)
        {
            // One-way: Twilio already has its 200 and nobody awaits this call. Say loudly what was lost.
            SwitchboardMetrics.LostMessages.Add(1);
            ConversationLog.EnqueueFailed(logger, Masked, sms.MessageSid, PhoneMask.Describe(ex));
        }
    }

    public Task<AcceptOutcome> Accept(InboundSms sms) => Receive(sms);

    private async Task<AcceptOutcome> Receive(InboundSms sms)
    {
        if (ConversationIntake.Decide(State, sms, options.Value) is not { } decision)
        {
            SwitchboardMetrics.DuplicateMessages.Add(1);
            ConversationLog.Duplicate(logger, Masked, sms.MessageSid);
            return AcceptOutcome.Duplicate;
        }

        // Held before anything changes: if storage fails, nothing was taken in, the webhook answers 5xx (Durable mode)
        // and Twilio delivers again.
        _lastActivity = time.GetUtcNow();
        if (decision.Queues || Engine.HasPendingWork)
        {
            await _reminder.HoldAsync(this);
        }

        var recordNumber = ConversationIntake.Apply(State, sms, decision, options.Value);
        if (decision.Outcome == AcceptOutcome.Dropped)
        {
            SwitchboardMetrics.DroppedMessages.Add(1);
            ConversationLog.InboxFull(logger, Masked, sms.MessageSid, State.Inbox.Count);
        }

        var startTurn = !_resumeDue && Engine.BeginIfIdle(Phone, time.GetUtcNow());
        if (startTurn)
        {
            _telemetry.StartTurn(sms, resumed: false);
        }

        var notice = decision.Notice is { } purpose ? await TrySendNoticeAsync(sms, purpose) : null;
        await WriteStateAsync();
        if (recordNumber is { } number)
        {
            // The notice the message got, if any, is its answer in the history (operators and the dev phone see it).
            await TryWriteHistoryAsync(number, TurnRecord.For(sms, decision.Untaken!.Value, time.GetUtcNow(), notice?.Text, notice?.Id));
        }

        if (startTurn)
        {
            ArmStepTimer(TimeSpan.Zero, State.Turn!, AdvanceAsync); // after this call returns: the webhook's hand-off first
        }

        return decision.Outcome;
    }

    private async Task<(string Id, string Text)?> TrySendNoticeAsync(InboundSms sms, string purpose)
    {
        var text = purpose switch
        {
            ConversationIntake.OverflowNotice => OverflowReply,
            ConversationIntake.OptOutNotice => WhatsAppOptOutReply,
            _ => WhatsAppOptInReply,
        };
        try
        {
            // The opt-out confirmation is the one message that may go to a number that opted out (it says so).
            return (await SendAsync(sms.MessageSid, text, purpose, sms, sms.TraceParent, confirmsOptOut: purpose == ConversationIntake.OptOutNotice), text);
        }
        catch (Exception ex)
        {
            ConversationLog.NoticeFailed(logger, Masked, sms.MessageSid, purpose, PhoneMask.Describe(ex)); // the message itself is recorded
            return null;
        }
    }

    public async Task CompleteStep(StepCompletion completion)
    {
        var engine = Engine;
        if (_resumeDue || !engine.IsCurrent(completion))
        {
            return; // a late answer to an attempt given up on, or from before a restart: steps are idempotent, drop it
        }

        CancelStepTimer();
        if (completion.Result is null)
        {
            await StepFailedAsync(completion.Error ?? "the step returned nothing");
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

    private async Task StepFailedAsync(string error)
    {
        var turn = State.Turn!;
        switch (Engine.StepFailed(error))
        {
            case TurnAction.RetryStep(var delay):
                ConversationLog.StepRetry(logger, Masked, turn.Context.MessageSid, Engine.StepName, turn.StepAttempt, delay, error);
                ArmStepTimer(delay, turn, AdvanceAsync);
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
            ArmStepTimer(options.Value.StepRetryBackoff, turn, () => TryFinishTurnAsync(finish));
        }
    }

    private async Task FinishTurnAsync(ActiveTurn turn, TurnAction.Finish finish)
    {
        var sms = Engine.Message;
        var (reply, error) = (finish.Reply, finish.Error);
        if (finish.Outcome == TurnOutcome.Failed)
        {
            ConversationLog.TurnFailed(logger, Masked, sms.MessageSid, Engine.StepName, error ?? "");
        }

        if (string.IsNullOrWhiteSpace(reply))
        {
            error ??= "no reply was produced";
        }
        else
        {
            // Handed over even to a sender who opted out (its gate withholds it): a hand-over whose answer was lost may
            // have stored it, and only handing it over again makes sure it ends instead of waiting for nobody.
            if (State.OptedOut)
            {
                error ??= "reply not sent: the sender opted out";
            }

            StopInterim(); // no "working on it" after the answer, even if the rest of the finish fails and is tried again
            turn.ReplyId = await SendAsync(sms.MessageSid, reply, "reply", sms, _telemetry.TraceParent(sms));
        }

        var completedAt = time.GetUtcNow();
        await WriteHistoryOfFinishedTurnAsync(TurnRecord.For(sms, finish.Outcome, completedAt, reply, turn.ReplyId, turn.Timings, error, _telemetry.TraceId));
        _telemetry.EndTurn(finish.Outcome.ToString(), error);
        StopInterim();
        (finish.Outcome == TurnOutcome.Answered ? SwitchboardMetrics.TurnsAnswered : SwitchboardMetrics.TurnsFailed).Add(1);
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
        ArmStepTimer(TimeSpan.Zero, State.Turn!, AdvanceAsync); // on a timer: a failure there must not retry this finish
    }

    private async Task WriteHistoryOfFinishedTurnAsync(TurnRecord record)
    {
        try
        {
            await history.WriteAsync(Phone, State.RecordedTurns, record, options.Value.HistoryLength);
        }
        catch (Exception ex) when (++_historyFailures >= HistoryAttempts)
        {
            // The reply is handed over and the turn is done; only its line in the history is lost.
            ConversationLog.HistoryGivenUp(logger, Masked, record.MessageSid, _historyFailures, PhoneMask.Describe(ex));
        }

        _historyFailures = 0;
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
        var request = new StepRequest(turn.StepIndex, turn.Context) { TraceParent = _telemetry.TraceParent(Engine.Message), Attempt = turn.StepAttempt };
        if (!agentOptions.Value.StepsAreSlow)
        {
            ArmStepTimer(TimeSpan.Zero, turn, async () => await CompleteStep(await StepRunner.RunAsync(pipeline, request, agentOptions.Value, time, logger)));
            return;
        }

        using (_telemetry.Ambient())
        {
            GrainFactory.GetGrain<IAgentWorkerGrain>(0).RunStep(request).Ignore();
        }

        // The worker's answer can be lost (its silo died, the message was dropped): ask again after a while.
        ArmStepTimer(options.Value.StepTimeout + TimeSpan.FromMilliseconds(agentOptions.Value.StepDelayMs), turn, () => StepFailedAsync("no answer from the agent worker"));
        if (_interimTimer is null && !turn.InterimSent && options.Value.InterimReplyAfter is { } after)
        {
            var due = turn.StartedAt + after - time.GetUtcNow();
            var sid = turn.Context.MessageSid;
            _interimTimer = this.RegisterGrainTimer(
                _ => SendInterimReplyAsync(sid),
                new GrainTimerCreationOptions { DueTime = due > TimeSpan.Zero ? due : TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
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

    private void StopInterim()
    {
        _interimTimer?.Dispose();
        _interimTimer = null;
    }

    /// <summary>A timer for the turn as it is now: it does nothing if the turn moved on (another step, attempt or message).</summary>
    private void ArmStepTimer(TimeSpan dueTime, ActiveTurn turn, Func<Task> action)
    {
        CancelStepTimer();
        var (sid, stepIndex, attempt) = (turn.Context.MessageSid, turn.StepIndex, turn.StepAttempt);
        _stepTimer = this.RegisterGrainTimer(
            _ => State.Turn is { } current && current.Context.MessageSid == sid && current.StepIndex == stepIndex && current.StepAttempt == attempt
                ? action()
                : Task.CompletedTask,
            new GrainTimerCreationOptions { DueTime = dueTime, Period = Timeout.InfiniteTimeSpan });
    }

    private void CancelStepTimer()
    {
        _stepTimer?.Dispose();
        _stepTimer = null;
    }

    /// <summary>
    /// The durable wake-up: after a crash it reactivates the conversation, which resumes its turn. On every tick it
    /// looks at the last message handed over until that one has settled, busy or idle: looking loads it, which resumes
    /// its attempts (and, through the message it waits for, those before it). Released after Conversation:ReminderIdleRelease idle.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminder.MarkHeld();
        if (!await LastReplySettledAsync() || Engine.HasPendingWork || time.GetUtcNow() - _lastActivity < options.Value.ReminderIdleRelease)
        {
            return;
        }

        await SaveUnsavedAsync();
        await _reminder.ReleaseAsync(this);
    }

    private async Task<bool> LastReplySettledAsync()
    {
        if (!_lastReplySettled && State.LastReplyId is { } id)
        {
            var reply = GrainFactory.GetGrain<IOutboundSmsGrain>(id);
            _lastReplySettled = await reply.GetView() is not { Status: DeliveryStatus.Pending };
            if (!_lastReplySettled)
            {
                await reply.Wake(); // one-way: it tries again if nothing is scheduled (it may wait for a wake that was lost)
            }
        }

        return _lastReplySettled || State.LastReplyId is null;
    }

    private async Task WriteStateAsync()
    {
        try
        {
            await state.WriteOrReloadAsync(this);
        }
        finally
        {
            // Written, or failed: then the activation is dropped and storage is reloaded, so nothing is saved on the way out.
            _unsaved = false;
        }
    }

    private async Task SaveUnsavedAsync()
    {
        if (_unsaved)
        {
            await WriteStateAsync();
        }
    }

    /// <summary>The message itself is safe in the state; only its line in the history is lost if this write fails.</summary>
    private async Task TryWriteHistoryAsync(long number, TurnRecord record)
    {
        try
        {
            await history.WriteAsync(Phone, number, record, options.Value.HistoryLength);
        }
        catch (Exception ex)
        {
            ConversationLog.HistoryWriteFailed(logger, Masked, record.MessageSid, PhoneMask.Describe(ex));
        }
    }

    public Task<ChannelContact> GetContact() =>
        Task.FromResult(new ChannelContact(State.LastChannel, State.LastWhatsAppAt) { OptedOut = State.OptedOut });

    public async Task Erase()
    {
        var recorded = await history.ReadAsync(Phone, State.RecordedTurns, options.Value.HistoryLength);
        await Task.WhenAll(ReplyChain.ToErase(State, Phone, recorded).Select(id => GrainFactory.GetGrain<IOutboundSmsGrain>(id).EraseBody()));
        await history.EraseAsync(Phone);

        // A turn in progress ends here: its late step results no longer match and are dropped.
        _telemetry.EndTurn("erased");
        CancelStepTimer();
        StopInterim();
        Engine.Clear();
        _recovering = _resumeDue = false;
        await WriteStateAsync();
        ConversationLog.Erased(logger, Masked);
    }

    public async Task<ConversationView> GetView()
    {
        if (!state.RecordExists && !Engine.HasPendingWork)
        {
            DeactivateOnIdle(); // a look at a number that never texted: not an active conversation
        }

        var recent = await history.ReadAsync(Phone, State.RecordedTurns, options.Value.HistoryLength);
        return ConversationViews.Of(Phone, State, Engine.StepName, recent);
    }
}
