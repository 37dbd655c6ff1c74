using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// One sender's conversation: a durable inbox answered one turn at a time. The grain is a small state machine: it
/// hands each step to an <see cref="IAgentWorkerGrain"/> and persists the step's result when called back, so it is
/// never busy for longer than a storage write, and a turn interrupted by a crash resumes at its last finished step.
/// Not reentrant: every state change is one grain turn, so writes never interleave.
/// </summary>
public sealed class ConversationGrain(
    [PersistentState("conversation", StorageNames.State)] IPersistentState<ConversationState> state,
    AgentPipeline pipeline,
    IOptions<ConversationOptions> options,
    IOptions<AgentOptions> agentOptions,
    TimeProvider time,
    ILogger<ConversationGrain> logger)
    : Grain, IConversationGrain, IConversationTurnGrain, IRemindable
{
    public const string ApologyReply = "Sorry, I couldn't finish that request. Please try again in a few minutes.";
    public const string OverflowReply = "You're texting faster than I can answer. I'll answer your earlier messages first; please resend anything newer later.";
    public const string InterimReply = "Working on it - I'll text you the answer shortly.";
    private const string WakeUpReminder = "conversation-wakeup";

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private bool _reminderHeld;
    private IGrainReminder? _reminder;
    private IGrainTimer? _stepTimer;
    private IGrainTimer? _interimTimer;

    private ConversationState State => state.State;
    private string Phone => this.GetPrimaryKeyString();
    private bool HasPendingWork => State.Turn is not null || State.Inbox.Count > 0;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _seen.UnionWith(State.RecentMessageSids);
        _reminderHeld = HasPendingWork;
        if (State.Turn is not null)
        {
            await ResumeTurnAsync();
        }
        else if (State.Inbox.Count > 0)
        {
            BeginNextTurn();
            await state.WriteOrReloadAsync(this);
            DispatchCurrentStep();
        }
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

    private async Task<AcceptOutcome> Receive(InboundSms sms)
    {
        if (_seen.Contains(sms.MessageSid))
        {
            SwitchboardMetrics.DuplicateMessages.Add(1);
            ConversationLog.Duplicate(logger, PhoneMask.Mask(Phone), sms.MessageSid);
            return AcceptOutcome.Duplicate;
        }

        var (outcome, notifyOverflow) = Classify(sms);
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

        Remember(sms.MessageSid);
        await state.WriteOrReloadAsync(this);
        if (notifyOverflow)
        {
            await NotifyOverflowAsync(sms);
        }

        if (startTurn)
        {
            DispatchCurrentStep();
        }

        return outcome;
    }

    private (AcceptOutcome Outcome, bool NotifyOverflow) Classify(InboundSms sms)
    {
        if (OptOutKeywords.IsOptOut(sms.Body))
        {
            State.OptedOut = true;
            Record(sms, TurnOutcome.OptedOut);
            return (AcceptOutcome.OptedOut, false);
        }

        if (State.OptedOut && OptOutKeywords.IsOptIn(sms.Body))
        {
            // Only an opted-out sender is opted back in: otherwise "yes" answers a question like any message.
            State.OptedOut = false;
            Record(sms, TurnOutcome.OptedIn);
            return (AcceptOutcome.OptedIn, false);
        }

        if (State.OptedOut)
        {
            Record(sms, TurnOutcome.IgnoredWhileOptedOut);
            return (AcceptOutcome.IgnoredWhileOptedOut, false);
        }

        if (State.Inbox.Count >= options.Value.MaxPendingMessages)
        {
            State.DroppedMessages++;
            SwitchboardMetrics.DroppedMessages.Add(1);
            ConversationLog.InboxFull(logger, PhoneMask.Mask(Phone), sms.MessageSid, State.Inbox.Count);
            Record(sms, TurnOutcome.Dropped);
            var notify = !State.OverflowNotified;
            State.OverflowNotified = true;
            return (AcceptOutcome.Dropped, notify);
        }

        State.Inbox.Add(sms);
        return (AcceptOutcome.Queued, false);
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
            await StepFailedAsync(completion.Error ?? "the step returned nothing");
            return;
        }

        CancelStepTimer();
        turn.Timings.Add(new StepTiming(pipeline[turn.StepIndex].Name, completion.ElapsedMs, turn.StepAttempt));
        turn.Context = completion.Result;
        turn.StepIndex++;
        turn.StepAttempt = 0;
        await state.WriteOrReloadAsync(this);
        await AdvanceAsync();
    }

    /// <summary>
    /// After a restart: runs the interrupted step again. Its attempt is counted on storage before it is dispatched,
    /// so a step that kills the process fails the turn after Conversation:StepMaxAttempts instead of looping.
    /// </summary>
    private async Task ResumeTurnAsync()
    {
        var turn = State.Turn!;
        ConversationLog.TurnResumed(logger, PhoneMask.Mask(Phone), turn.Context.MessageSid, turn.StepIndex);
        if (turn.StepIndex >= pipeline.Count)
        {
            await AdvanceAsync(); // every step ran: only the hand-off is left
            return;
        }

        if (turn.StepAttempt >= options.Value.StepMaxAttempts)
        {
            var step = pipeline[turn.StepIndex].Name;
            var error = $"interrupted {turn.StepAttempt} times (the process stopped during the step)";
            ConversationLog.TurnFailed(logger, PhoneMask.Mask(Phone), turn.Context.MessageSid, step, error);
            await TryFinishTurnAsync(TurnOutcome.Failed, ApologyReply, $"{step}: {error}");
            return;
        }

        turn.StepAttempt++;
        await state.WriteOrReloadAsync(this);
        SendCurrentStep();
    }

    /// <summary>Runs the turn's next step, or, once all have run, hands the reply over and ends the turn.</summary>
    private Task AdvanceAsync()
    {
        var turn = State.Turn!;
        if (turn.StepIndex < pipeline.Count)
        {
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

    private async Task NotifyOverflowAsync(InboundSms dropped)
    {
        try
        {
            await SendAsync(dropped.MessageSid, OverflowReply, "overflow", dropped);
        }
        catch (Exception ex)
        {
            // The message itself is safely recorded as dropped; only the courtesy notice is lost.
            ConversationLog.OverflowNoticeFailed(logger, PhoneMask.Mask(Phone), dropped.MessageSid, PhoneMask.Describe(ex));
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
            // Sent before the turn is marked done: a crash in between repeats the send, which the outbound
            // grain (keyed by this turn's MessageSid) ignores.
            outboundId = await SendAsync(sms.MessageSid, reply, "reply", sms);
        }

        _interimTimer?.Dispose();
        _interimTimer = null;
        var completedAt = time.GetUtcNow();
        Record(new TurnRecord(sms.MessageSid, sms.Body, reply, outcome, outboundId, sms.ReceivedAt, completedAt, turn.Timings) { Error = error });
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
        }

        await state.WriteOrReloadAsync(this);
        if (next)
        {
            DispatchCurrentStep();
        }

        // The wake-up reminder stays until its next tick finds the conversation idle: a sender who texts again
        // soon costs no reminder writes on the acknowledgement path.
    }

    /// <summary>
    /// Hands a message to its outbound grain, behind the last message sent to the sender (reply, interim or overflow
    /// notice), so they arrive in the order they were written. The grain is keyed by the inbound MessageSid and the
    /// purpose, so a repeated hand-off lands on the same grain; returns its id.
    /// </summary>
    private async Task<string> SendAsync(string messageSid, string body, string purpose, InboundSms? answering)
    {
        var outboundId = OutboundId.For(Phone, messageSid, purpose);
        if (outboundId == State.LastReplyId)
        {
            return outboundId; // handed over already (a finish retried after a failed write)
        }

        await GrainFactory.GetGrain<IOutboundSmsGrain>(outboundId).Send(new OutboundSms(Phone, body, purpose)
        {
            After = State.LastReplyId,
            StatusCallbackUrl = answering?.StatusCallbackUrl,
        });
        State.LastReplyId = outboundId;
        return outboundId;
    }

    private void BeginNextTurn()
    {
        var sms = State.Inbox[0];
        State.Turn = new ActiveTurn
        {
            Context = new TurnContext(Phone, sms.MessageSid, InboundText.ForAgents(sms.Body), sms.ReceivedAt),
            StartedAt = time.GetUtcNow(),
        };
    }

    private void DispatchCurrentStep()
    {
        State.Turn!.StepAttempt++;
        SendCurrentStep();
    }

    /// <summary>Hands the current step (its attempt already counted) to a worker and arms the timers that watch it.</summary>
    private void SendCurrentStep()
    {
        var turn = State.Turn!;
        var worker = GrainFactory.GetGrain<IAgentWorkerGrain>(0);
        worker.RunStep(new StepRequest(turn.StepIndex, turn.Context)).Ignore();

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

        await SendAsync(messageSid, InterimReply, "interim", State.Inbox[0]);
        turn.InterimSent = true;
        await state.WriteOrReloadAsync(this);
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

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Activation already resumed any pending turn (OnActivateAsync); the tick only has to clean up.
        if (!HasPendingWork)
        {
            // Cleared first: if the unregister succeeds but its answer is lost, the next message registers again.
            _reminderHeld = false;
            var reminder = _reminder;
            _reminder = null;
            await this.UnregisterIfPresentAsync(WakeUpReminder, reminder);
        }
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

    private void Remember(string messageSid)
    {
        _seen.Add(messageSid);
        State.RecentMessageSids.Add(messageSid);
        var excess = State.RecentMessageSids.Count - options.Value.DedupeHorizon;
        if (excess > 0)
        {
            _seen.ExceptWith(State.RecentMessageSids.Take(excess));
            State.RecentMessageSids.RemoveRange(0, excess);
        }
    }

    private void Record(InboundSms sms, TurnOutcome outcome) =>
        Record(new TurnRecord(sms.MessageSid, sms.Body, null, outcome, null, sms.ReceivedAt, time.GetUtcNow(), []));

    /// <summary>
    /// Keeps the last Conversation:HistoryLength turns, each with the first <see cref="InboundText.MaxLength"/>
    /// characters of its message (what the agents read), inside the storage budget of <see cref="ConversationStorageBudget"/>.
    /// </summary>
    private void Record(TurnRecord turn)
    {
        if (turn.Inbound.Length > InboundText.MaxLength)
        {
            turn = turn with { Inbound = turn.Inbound[..InboundText.MaxLength] };
        }

        State.History.Add(turn);
        var excess = State.History.Count - options.Value.HistoryLength;
        if (excess > 0)
        {
            State.History.RemoveRange(0, excess);
        }
    }

    public Task<bool> IsOptedOut() => Task.FromResult(State.OptedOut);

    public Task<ConversationView> GetView()
    {
        var turn = State.Turn;
        var current = turn is null
            ? null
            : new CurrentTurnView(
                turn.Context.MessageSid,
                turn.StepIndex < pipeline.Count ? pipeline[turn.StepIndex].Name : "finishing",
                turn.StepIndex,
                turn.StepAttempt,
                turn.StartedAt);
        var view = new ConversationView(
            Phone,
            State.OptedOut,
            [.. State.Inbox.Select(m => new PendingMessageView(m.MessageSid, m.Body, m.ReceivedAt))],
            current,
            [.. State.History.Select(ToView)],
            State.DroppedMessages);
        return Task.FromResult(view);
    }

    private static TurnView ToView(TurnRecord r) => new(
        r.MessageSid,
        r.Inbound,
        r.Reply,
        r.Outcome.ToString(),
        r.OutboundId,
        r.ReceivedAt,
        r.CompletedAt,
        [.. r.Steps.Select(s => new StepTimingView(s.Step, s.Milliseconds, s.Attempts))]) { Error = r.Error };
}
