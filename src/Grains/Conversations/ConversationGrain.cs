using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Summary;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// One sender's conversation: a durable inbox answered one turn at a time. The grain is a small state machine: it
/// hands each slow step (a model call) to an <see cref="IAgentWorkerGrain"/> and takes the step's result when called
/// back, and runs fast steps (rules) itself one grain turn each, so it is never busy for longer than a storage write or
/// a fast step. Not reentrant: every state change is one grain turn, so writes never interleave.
/// </summary>
/// <remarks>
/// What is written when (a rules turn costs one state write, on receipt, and one history write):
/// <list type="bullet">
/// <item>a message is persisted (with the dedupe record) before it is acknowledged;</item>
/// <item>a step's result is persisted only when the step was slow (Conversation:CheckpointAfter) or remote, so a crash
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
    public const string ApologyReply = "Sorry, I couldn't finish that request. Please try again in a few minutes.";
    public const string OverflowReply = "You're texting faster than I can answer. I'll answer your earlier messages first; please resend anything newer later.";
    public const string InterimReply = "Working on it - I'll text you the answer shortly.";
    public const string WhatsAppOptOutReply = "You're unsubscribed: nothing more will be sent to you here. Reply START to subscribe again.";
    public const string WhatsAppOptInReply = "You're subscribed again. Text 'help' to see what I can do.";
    private const string WakeUpReminder = "conversation-wakeup";
    private const int MaxErrorLength = 1_000;

    private bool _reminderHeld;
    private IGrainReminder? _reminder;
    private IGrainTimer? _stepTimer;
    private IGrainTimer? _interimTimer;

    /// <summary>
    /// The "turn" span of the turn in progress, from its start to the reply's hand-off, under the webhook request that
    /// brought the message (<see cref="InboundSms.TraceParent"/>). Kept in memory only: a turn resumed after a restart
    /// starts a new "turn" span under the same parent, so it continues the same trace. Null when tracing is off.
    /// </summary>
    private Activity? _turnSpan;

    /// <summary>This activation's running turn is counted in the silo's <see cref="SiloActivity"/> (GET /admin/summary).</summary>
    private bool _turnCounted;

    private bool _conversationCounted;

    /// <summary>The state holds turn progress that storage does not have yet (fast steps, a finished turn).</summary>
    private bool _unsaved;

    /// <summary>
    /// This activation found work that was under way when its silo stopped. Which of the turns run since the last write
    /// was running when the process died is not known, so until the inbox is empty every step's attempt is written
    /// before the step runs (one write a step, only after a crash): a step that keeps killing the process fails its own
    /// turn after Conversation:StepMaxAttempts, whichever turn it belongs to.
    /// </summary>
    private bool _recovering;

    /// <summary>Last time a message arrived (or the activation started): the wake-up reminder is released after an idle while.</summary>
    private DateTimeOffset _lastActivity;

    /// <summary>The last message handed over for the sender has reached Twilio or failed: nothing left to watch.</summary>
    private bool _lastReplySettled;

    private ConversationState State => state.State;
    private string Phone => this.GetPrimaryKeyString();
    private bool HasPendingWork => State.Turn is not null || State.Inbox.Count > 0;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastActivity = time.GetUtcNow();
        await UpgradeStoredStateAsync();

        // Pending work is only ever persisted with the reminder registered first (see Receive).
        _reminderHeld = HasPendingWork;
        _recovering = HasPendingWork;
        if (State.Turn is not null)
        {
            await ResumeTurnAsync();
        }
        else if (State.Inbox.Count > 0)
        {
            BeginNextTurn();
            await DispatchCountedAsync();
        }

        // Counted once started: an activation that fails to start is never counted, and may never be deactivated.
        _conversationCounted = true;
        activity.AddConversations(1);
        CountTurn(running: State.Turn is not null);
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
            ConversationLog.EnqueueFailed(logger, PhoneMask.Mask(Phone), sms.MessageSid, PhoneMask.Describe(ex));
        }
    }

    public Task<AcceptOutcome> Accept(InboundSms sms) => Receive(sms);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        EndTurnSpan("interrupted"); // the next activation resumes the turn in a new span of the same trace
        if (_conversationCounted)
        {
            _conversationCounted = false;
            activity.AddConversations(-1);
        }
        if (reason.ReasonCode != DeactivationReasonCode.ApplicationError)
        {
            await SaveUnsavedAsync(); // best effort: a finished turn not saved only runs again
        }
    }

    private async Task<AcceptOutcome> Receive(InboundSms sms)
    {
        if (State.Recent.Contains(sms.MessageSid))
        {
            SwitchboardMetrics.DuplicateMessages.Add(1);
            ConversationLog.Duplicate(logger, PhoneMask.Mask(Phone), sms.MessageSid);
            return AcceptOutcome.Duplicate;
        }

        _lastActivity = time.GetUtcNow();
        State.NoteChannel(sms); // written below, with the message
        var (outcome, notifyOverflow, record) = Classify(sms);
        var recordNumber = record is null ? 0 : State.RecordedTurns++;
        var startTurn = State.Turn is null && State.Inbox.Count > 0;
        if (startTurn)
        {
            BeginNextTurn();
        }

        // The wake-up reminder is registered before the message is persisted: if storage fails, nothing was
        // accepted, the webhook answers 5xx (Durable mode) and Twilio delivers again.
        try
        {
            await HoldReminderAsync();
        }
        catch
        {
            DeactivateOnIdle(); // the message is in the in-memory inbox only: reload what storage holds
            throw;
        }

        State.Recent.Add(sms.MessageSid, options.Value.DedupeHorizon);
        await WriteStateAsync();
        var notice = notifyOverflow
            ? await NotifyOverflowAsync(sms)
            : sms.Channel == MessageChannel.WhatsApp && outcome is AcceptOutcome.OptedOut or AcceptOutcome.OptedIn
                ? await ConfirmWhatsAppOptChangeAsync(sms, outcome)
                : null;
        if (record is not null)
        {
            // The notice the message got, if any, is its answer in the history (operators and the dev phone see it).
            await TryWriteHistoryAsync(recordNumber, notice is { } sent ? record with { Reply = sent.Text, OutboundId = sent.Id } : record);
        }

        if (startTurn)
        {
            DispatchCurrentStep();
        }

        return outcome;
    }

    /// <summary>Decides what becomes of a new message; a message that starts no turn is recorded in the history at once.</summary>
    private (AcceptOutcome Outcome, bool NotifyOverflow, TurnRecord? Record) Classify(InboundSms sms)
    {
        if (OptOutKeywords.IsOptOut(sms.Body))
        {
            State.OptedOut = true;
            return (AcceptOutcome.OptedOut, false, Untaken(sms, TurnOutcome.OptedOut));
        }

        if (State.OptedOut && OptOutKeywords.IsOptIn(sms.Body))
        {
            // Only an opted-out sender is opted back in: otherwise "yes" answers a question like any message.
            State.OptedOut = false;
            return (AcceptOutcome.OptedIn, false, Untaken(sms, TurnOutcome.OptedIn));
        }

        if (State.OptedOut)
        {
            return (AcceptOutcome.IgnoredWhileOptedOut, false, Untaken(sms, TurnOutcome.IgnoredWhileOptedOut));
        }

        if (State.Inbox.Count >= options.Value.MaxPendingMessages)
        {
            State.DroppedMessages++;
            SwitchboardMetrics.DroppedMessages.Add(1);
            ConversationLog.InboxFull(logger, PhoneMask.Mask(Phone), sms.MessageSid, State.Inbox.Count);
            var notify = !State.OverflowNotified;
            State.OverflowNotified = true;
            return (AcceptOutcome.Dropped, notify, Untaken(sms, TurnOutcome.Dropped));
        }

        State.Inbox.Add(sms);
        return (AcceptOutcome.Queued, false, null);
    }

    public async Task CompleteStep(StepCompletion completion)
    {
        var turn = State.Turn;
        if (turn is null || turn.Context.MessageSid != completion.MessageSid || turn.StepIndex != completion.StepIndex)
        {
            // A late answer to a step that was re-dispatched and has already finished: steps are idempotent, drop it.
            return;
        }

        if (completion.Result is null)
        {
            if (completion.Attempt != turn.StepAttempt)
            {
                return; // a late failure of an attempt that was given up on must not end the one running now
            }

            await StepFailedAsync(completion.Error ?? "the step returned nothing");
            return;
        }

        CancelStepTimer();
        turn.Timings.Add(new StepTiming(pipeline[turn.StepIndex].Name, completion.ElapsedMs, turn.StepAttempt));
        turn.Context = completion.Result;
        turn.StepIndex++;
        turn.StepAttempt = 0;
        if (agentOptions.Value.StepsAreSlow || completion.ElapsedMs >= options.Value.CheckpointAfter.TotalMilliseconds)
        {
            await WriteStateAsync(); // worth keeping: a crash now resumes after this step
        }
        else
        {
            _unsaved = true; // cheaper to run again after a crash than to write now
        }

        await AdvanceAsync();
    }

    /// <summary>After a restart: runs the interrupted step again, its attempt counted on storage first.</summary>
    private async Task ResumeTurnAsync()
    {
        var turn = State.Turn!;
        ConversationLog.TurnResumed(logger, PhoneMask.Mask(Phone), turn.Context.MessageSid, turn.StepIndex);
        StartTurnSpan(resumed: true);
        if (turn.StepIndex >= pipeline.Count)
        {
            await AdvanceAsync(); // every step ran: only the hand-off is left
            return;
        }

        await DispatchCountedAsync();
    }

    /// <summary>
    /// Runs the current step with its attempt counted on storage before it is dispatched, so a step during which the
    /// process dies fails the turn after Conversation:StepMaxAttempts instead of looping (see <see cref="_recovering"/>).
    /// </summary>
    private async Task DispatchCountedAsync()
    {
        var turn = State.Turn!;
        if (turn.StepAttempt >= options.Value.StepMaxAttempts)
        {
            var step = pipeline[turn.StepIndex].Name;
            var error = $"interrupted {turn.StepAttempt} times (the process stopped during the step)";
            ConversationLog.TurnFailed(logger, PhoneMask.Mask(Phone), turn.Context.MessageSid, step, error);
            await TryFinishTurnAsync(TurnOutcome.Failed, ApologyReply, $"{step}: {error}");
            return;
        }

        turn.StepAttempt++;
        await WriteStateAsync();
        SendCurrentStep();
    }

    /// <summary>Runs the turn's next step, or, once all have run, hands the reply over and ends the turn.</summary>
    private Task AdvanceAsync()
    {
        var turn = State.Turn!;
        if (turn.StepIndex < pipeline.Count)
        {
            if (_recovering)
            {
                return DispatchCountedAsync();
            }

            DispatchCurrentStep();
            return Task.CompletedTask;
        }

        return TryFinishTurnAsync(TurnOutcome.Answered, turn.Context.Reply, error: null);
    }

    private async Task StepFailedAsync(string error)
    {
        var turn = State.Turn!;
        CancelStepTimer();
        var step = pipeline[turn.StepIndex].Name;
        if (turn.StepAttempt < options.Value.StepMaxAttempts)
        {
            var backoff = options.Value.StepRetryBackoff * Math.Pow(2, turn.StepAttempt - 1);
            ConversationLog.StepRetry(logger, PhoneMask.Mask(Phone), turn.Context.MessageSid, step, turn.StepAttempt, backoff, error);
            ArmStepTimer(backoff, turn, () =>
            {
                DispatchCurrentStep();
                return Task.CompletedTask;
            });
            return;
        }

        ConversationLog.TurnFailed(logger, PhoneMask.Mask(Phone), turn.Context.MessageSid, step, error);
        await TryFinishTurnAsync(TurnOutcome.Failed, ApologyReply, $"{step}: {error}");
    }

    /// <summary>
    /// Ends the turn; if the hand-off to the outbound grain or the final write fails (storage trouble), the finished
    /// turn stays as it is and the hand-off is tried again after a pause, so the reply is neither lost nor doubled.
    /// </summary>
    private async Task TryFinishTurnAsync(TurnOutcome outcome, string? reply, string? error)
    {
        var turn = State.Turn!;
        try
        {
            await FinishTurnAsync(outcome, reply, error);
        }
        catch (Exception ex)
        {
            ConversationLog.FinishFailed(logger, PhoneMask.Mask(Phone), turn.Context.MessageSid, options.Value.StepRetryBackoff, PhoneMask.Describe(ex));
            ArmStepTimer(options.Value.StepRetryBackoff, turn, () => TryFinishTurnAsync(outcome, reply, error));
        }
    }

    private async Task<(string Id, string Text)?> NotifyOverflowAsync(InboundSms dropped)
    {
        try
        {
            return (await SendAsync(dropped.MessageSid, OverflowReply, "overflow", dropped, dropped.TraceParent), OverflowReply);
        }
        catch (Exception ex)
        {
            // The message itself is safely recorded as dropped; only the courtesy notice is lost.
            ConversationLog.OverflowNoticeFailed(logger, PhoneMask.Mask(Phone), dropped.MessageSid, PhoneMask.Describe(ex));
            return null;
        }
    }

    /// <summary>
    /// Twilio answers STOP and START itself on SMS, not on WhatsApp: there the person hears it from us. The opt-out
    /// confirmation is the one message that may go to a number that opted out (it says so).
    /// </summary>
    private async Task<(string Id, string Text)?> ConfirmWhatsAppOptChangeAsync(InboundSms sms, AcceptOutcome outcome)
    {
        try
        {
            var optedOut = outcome == AcceptOutcome.OptedOut;
            var text = optedOut ? WhatsAppOptOutReply : WhatsAppOptInReply;
            return (await SendAsync(sms.MessageSid, text, optedOut ? "opt-out" : "opt-in", sms, sms.TraceParent, confirmsOptOut: optedOut), text);
        }
        catch (Exception ex)
        {
            // The opt-out itself is recorded; only the confirmation is lost.
            ConversationLog.OptChangeNoticeFailed(logger, PhoneMask.Mask(Phone), sms.MessageSid, PhoneMask.Describe(ex));
            return null;
        }
    }

    private async Task FinishTurnAsync(TurnOutcome outcome, string? reply, string? error)
    {
        var turn = State.Turn!;
        var sms = State.Inbox[0];
        string? outboundId = null;
        if (string.IsNullOrWhiteSpace(reply))
        {
            error ??= "no reply was produced";
        }
        else if (State.OptedOut)
        {
            error ??= "reply not sent: the sender opted out";
        }
        else
        {
            // No "working on it" after the answer, even if the rest of the finish fails and is tried again.
            _interimTimer?.Dispose();
            _interimTimer = null;

            // Sent before the turn is marked done: a crash in between repeats the send, which the outbound
            // grain (keyed by this turn's MessageSid) ignores.
            outboundId = await SendAsync(sms.MessageSid, reply, "reply", sms, TurnTraceParent(sms));
        }

        var completedAt = time.GetUtcNow();
        var record = new TurnRecord(sms.MessageSid, Shorten(sms.Body), reply, outcome, outboundId, sms.ReceivedAt, completedAt, turn.Timings)
        {
            Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error, // a model's error page must not outgrow a table row
            TraceId = _turnSpan?.TraceId.ToHexString() ?? SwitchboardTracing.TraceIdOf(sms.TraceParent),
            Channel = sms.Channel,
        };
        await history.WriteAsync(Phone, State.RecordedTurns, record, options.Value.HistoryLength);
        EndTurnSpan(outcome.ToString(), error);
        _interimTimer?.Dispose();
        _interimTimer = null;
        State.RecordedTurns++;
        State.Inbox.RemoveAt(0);
        State.Turn = null;
        (outcome == TurnOutcome.Answered ? SwitchboardMetrics.TurnsAnswered : SwitchboardMetrics.TurnsFailed).Add(1);
        SwitchboardMetrics.TurnDuration.Record((completedAt - turn.StartedAt).TotalMilliseconds);

        var next = State.Inbox.Count > 0;
        if (next)
        {
            BeginNextTurn();
        }
        else
        {
            State.OverflowNotified = false;
            _recovering = false; // every turn that may have been running at the crash has ended
        }

        // Not written now: the history has the turn, and the next message (or going idle) writes the state. A crash
        // in between runs this turn again, which changes nothing twice.
        _unsaved = true;
        if (next && _recovering)
        {
            // On a timer: a failed write must not reach TryFinishTurnAsync, which would finish the next turn instead.
            ArmStepTimer(TimeSpan.Zero, State.Turn!, DispatchCountedAsync);
        }
        else if (next)
        {
            DispatchCurrentStep();
        }
    }

    /// <summary>
    /// Hands a message to its outbound grain, behind the last message sent to the sender (reply, interim or overflow
    /// notice), so they arrive in the order they were written. The grain is keyed by the inbound MessageSid and the
    /// purpose, so a repeated hand-off lands on the same grain; returns its id.
    /// </summary>
    private async Task<string> SendAsync(string messageSid, string body, string purpose, InboundSms? answering, string? traceParent, bool confirmsOptOut = false)
    {
        var outboundId = OutboundId.For(Phone, messageSid, purpose);
        if (outboundId == State.LastReplyId)
        {
            return outboundId; // handed over already (a finish retried after a failed write)
        }

        using (SwitchboardTracing.AmbientAs(_turnSpan))
        {
            await GrainFactory.GetGrain<IOutboundSmsGrain>(outboundId).Send(new OutboundSms(Phone, body, purpose)
            {
                After = State.LastReplyId,
                StatusCallbackUrl = answering?.StatusCallbackUrl,
                WatchedBySender = _reminderHeld, // our wake-up reminder, when held, stays until this message has settled
                TraceParent = traceParent, // its attempts' "send" spans join the turn's trace
                Channel = answering?.Channel ?? State.LastChannel, // answered on the channel it came in on
                ConfirmsOptOut = confirmsOptOut,
            });
        }

        State.LastReplyId = outboundId;
        _lastReplySettled = false;
        _unsaved = true; // the next reply waits behind this one, also after a restart
        return outboundId;
    }

    private void BeginNextTurn()
    {
        var sms = State.Inbox[0];
        State.Turn = new ActiveTurn
        {
            Context = new TurnContext(Phone, sms.MessageSid, InboundText.ForAgents(sms.Body), sms.ReceivedAt) { Channel = sms.Channel, MediaCount = sms.MediaCount },
            StartedAt = time.GetUtcNow(),
        };
        StartTurnSpan(resumed: false);
    }

    private void CountTurn(bool running)
    {
        running &= _conversationCounted; // a turn resumed during activation is counted when the activation is
        if (running != _turnCounted)
        {
            _turnCounted = running;
            activity.AddTurns(running ? 1 : -1);
        }
    }

    private void StartTurnSpan(bool resumed)
    {
        var sms = State.Inbox[0];
        EndTurnSpan("superseded");
        CountTurn(running: true);
        _turnSpan = SwitchboardTracing.StartDetached("turn", sms.TraceParent);
        if (_turnSpan is not null)
        {
            _turnSpan.SetTag("switchboard.message_sid", sms.MessageSid);
            _turnSpan.SetTag("switchboard.turn.resumed", resumed);
        }
    }

    /// <summary>The turn span lives exactly as long as the turn runs in this activation: the count follows it.</summary>
    private void EndTurnSpan(string outcome, string? error = null)
    {
        CountTurn(running: false);
        if (_turnSpan is { } span)
        {
            _turnSpan = null;
            span.SetTag("switchboard.turn.outcome", outcome);
            if (error is not null)
            {
                span.SetStatus(ActivityStatusCode.Error, error);
            }

            span.Stop();
        }
    }

    /// <summary>What the turn's children (steps, reply) are traced under: the turn span, else the webhook request.</summary>
    private string? TurnTraceParent(InboundSms sms) => SwitchboardTracing.TraceParentOf(_turnSpan) ?? sms.TraceParent;

    private void DispatchCurrentStep()
    {
        State.Turn!.StepAttempt++;
        SendCurrentStep();
    }

    /// <summary>
    /// Runs the current step (its attempt already counted): a slow step on an agent worker, watched by a timer; a fast
    /// one here, on a timer due at once, so the request that started the turn (the webhook's hand-off) returns first and
    /// messages that arrive meanwhile are taken in between steps. A fast step costs microseconds to a few grain calls:
    /// the round trip to a worker (two messages and two copies of the turn) would cost more than the step.
    /// </summary>
    private void SendCurrentStep()
    {
        var turn = State.Turn!;
        var request = new StepRequest(turn.StepIndex, turn.Context) { TraceParent = TurnTraceParent(State.Inbox[0]), Attempt = turn.StepAttempt };
        if (!agentOptions.Value.StepsAreSlow)
        {
            ArmStepTimer(TimeSpan.Zero, turn, async () => await CompleteStep(await StepRunner.RunAsync(pipeline, request, agentOptions.Value, time, logger)));
            return;
        }

        using (SwitchboardTracing.AmbientAs(_turnSpan))
        {
            GrainFactory.GetGrain<IAgentWorkerGrain>(0).RunStep(request).Ignore();
        }

        // The worker's answer can be lost (its silo died, the message was dropped): ask again after a while.
        var timeout = options.Value.StepTimeout + TimeSpan.FromMilliseconds(agentOptions.Value.StepDelayMs);
        ArmStepTimer(timeout, turn, () => StepFailedAsync("no answer from the agent worker"));
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
        var turn = State.Turn;
        if (turn is null || turn.Context.MessageSid != messageSid || turn.InterimSent || State.OptedOut)
        {
            return;
        }

        await SendAsync(messageSid, InterimReply, "interim", State.Inbox[0], TurnTraceParent(State.Inbox[0]));
        turn.InterimSent = true;
        await WriteStateAsync();
    }

    private void ArmStepTimer(TimeSpan dueTime, ActiveTurn turn, Func<Task> action)
    {
        CancelStepTimer();
        var (sid, stepIndex, attempt) = (turn.Context.MessageSid, turn.StepIndex, turn.StepAttempt);
        _stepTimer = this.RegisterGrainTimer(
            _ =>
            {
                var current = State.Turn;
                return current is not null && current.Context.MessageSid == sid && current.StepIndex == stepIndex && current.StepAttempt == attempt
                    ? action()
                    : Task.CompletedTask;
            },
            new GrainTimerCreationOptions { DueTime = dueTime, Period = Timeout.InfiniteTimeSpan });
    }

    private void CancelStepTimer()
    {
        _stepTimer?.Dispose();
        _stepTimer = null;
    }

    /// <summary>
    /// The durable wake-up: after a crash it reactivates the conversation, which resumes its turn (OnActivateAsync).
    /// Otherwise it watches the last message handed over until it has reached Twilio (its grain, woken by the call,
    /// resumes its own retries), and is released once the conversation has been idle for Conversation:ReminderIdleRelease.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _reminderHeld = true; // the tick proves it
        if (HasPendingWork || !await LastReplySettledAsync() || time.GetUtcNow() - _lastActivity < options.Value.ReminderIdleRelease)
        {
            return;
        }

        await SaveUnsavedAsync();

        // Cleared first: if the unregister succeeds but its answer is lost, the next message registers again.
        _reminderHeld = false;
        var reminder = _reminder;
        _reminder = null;
        await this.UnregisterIfPresentAsync(WakeUpReminder, reminder);
    }

    private async Task<bool> LastReplySettledAsync()
    {
        if (!_lastReplySettled && State.LastReplyId is { } id)
        {
            _lastReplySettled = await GrainFactory.GetGrain<IOutboundSmsGrain>(id).GetView() is not { Status: DeliveryStatus.Pending };
        }

        return _lastReplySettled || State.LastReplyId is null;
    }

    private async Task HoldReminderAsync()
    {
        if (_reminderHeld || !HasPendingWork)
        {
            return;
        }

        var period = options.Value.ReminderPeriod;
        _reminder = await this.RegisterOrUpdateReminder(WakeUpReminder, period, period);
        _reminderHeld = true;
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

    /// <summary>A message that starts no turn (opt-out, dropped...), as the history shows it.</summary>
    private TurnRecord Untaken(InboundSms sms, TurnOutcome outcome) =>
        new(sms.MessageSid, Shorten(sms.Body), null, outcome, null, sms.ReceivedAt, time.GetUtcNow(), []) { TraceId = SwitchboardTracing.TraceIdOf(sms.TraceParent), Channel = sms.Channel };

    /// <summary>The history keeps the first <see cref="InboundText.MaxLength"/> characters of a message: what the agents read.</summary>
    private static string Shorten(string body) => body.Length > InboundText.MaxLength ? body[..InboundText.MaxLength] : body;

    /// <summary>The message itself is safe in the state; only its line in the history is lost if this write fails.</summary>
    private async Task TryWriteHistoryAsync(long number, TurnRecord record)
    {
        try
        {
            await history.WriteAsync(Phone, number, record, options.Value.HistoryLength);
        }
        catch (Exception ex)
        {
            ConversationLog.HistoryWriteFailed(logger, PhoneMask.Mask(Phone), record.MessageSid, PhoneMask.Describe(ex));
        }
    }

    /// <summary>State written before 2026-11-30 kept MessageSids as text and the history inside it: moved out once.</summary>
    private async Task UpgradeStoredStateAsync()
    {
        if (State.RecentMessageSids.Count == 0 && State.History.Count == 0)
        {
            return;
        }

        foreach (var sid in State.RecentMessageSids)
        {
            State.Recent.Add(sid, options.Value.DedupeHorizon);
        }

        foreach (var turn in State.History)
        {
            await history.WriteAsync(Phone, State.RecordedTurns++, turn, options.Value.HistoryLength);
        }

        State.RecentMessageSids.Clear();
        State.History.Clear();
        await WriteStateAsync();
    }

    public Task<ChannelContact> GetContact() =>
        Task.FromResult(new ChannelContact(State.LastChannel, State.LastWhatsAppAt) { OptedOut = State.OptedOut });

    public async Task Erase()
    {
        var recorded = await history.ReadAsync(Phone, State.RecordedTurns, options.Value.HistoryLength);
        IEnumerable<string> replies = [.. recorded.Select(t => t.OutboundId).OfType<string>(), .. State.LastReplyId is { } last ? [last] : Array.Empty<string>()];
        await Task.WhenAll(replies.Distinct().Select(id => GrainFactory.GetGrain<IOutboundSmsGrain>(id).EraseBody()));
        await history.EraseAsync(Phone);

        // A turn in progress ends here: its late step results no longer match and are dropped.
        EndTurnSpan("erased");
        CancelStepTimer();
        _interimTimer?.Dispose();
        _interimTimer = null;
        State.Inbox.Clear();
        State.Turn = null;
        State.OverflowNotified = false;
        _recovering = false;
        await WriteStateAsync();
        ConversationLog.Erased(logger, PhoneMask.Mask(Phone));
    }

    public async Task<ConversationView> GetView()
    {
        if (!state.RecordExists && !HasPendingWork)
        {
            DeactivateOnIdle(); // a look at a number that never texted: not an active conversation
        }

        var turn = State.Turn;
        var current = turn is null
            ? null
            : new CurrentTurnView(
                turn.Context.MessageSid,
                turn.StepIndex < pipeline.Count ? pipeline[turn.StepIndex].Name : "finishing",
                turn.StepIndex,
                turn.StepAttempt,
                turn.StartedAt);
        var recent = await history.ReadAsync(Phone, State.RecordedTurns, options.Value.HistoryLength);
        return new ConversationView(
            Phone,
            State.OptedOut,
            [.. State.Inbox.Select(m => new PendingMessageView(m.MessageSid, m.Body, m.ReceivedAt) { Channel = m.Channel })],
            current,
            [.. recent.Select(ToView)],
            State.DroppedMessages) { LastChannel = State.LastChannel, LastWhatsAppAt = State.LastWhatsAppAt };
    }

    private static TurnView ToView(TurnRecord r) => new(
        r.MessageSid,
        r.Inbound,
        r.Reply,
        r.Outcome.ToString(),
        r.OutboundId,
        r.ReceivedAt,
        r.CompletedAt,
        [.. r.Steps.Select(s => new StepTimingView(s.Step, s.Milliseconds, s.Attempts))]) { Error = r.Error, TraceId = r.TraceId, Channel = r.Channel };
}
