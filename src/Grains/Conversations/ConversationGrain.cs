using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Guard;
using Switchboard.Grains.Summary;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// One sender's conversation: a durable inbox answered one turn at a time. The shell around
/// <see cref="ConversationIntake"/>, <see cref="TurnEngine"/> and <see cref="ReplyChain"/>, which decide; this grain
/// persists, schedules and calls. This file takes messages in and keeps the conversation (activation, wake-up reminder,
/// erasure, views); ConversationGrain.Turn.cs runs a turn. A slow step (a model call) runs on an <see cref="IAgentWorkerGrain"/> that calls back;
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
public sealed partial class ConversationGrain(
    [PersistentState("conversation", StorageNames.State)] IPersistentState<ConversationState> state,
    AgentPipeline pipeline,
    IOptions<ConversationOptions> options,
    IOptions<AgentOptions> agentOptions,
    IConversationHistory history,
    CountryGuard guard,
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

    private readonly GrainReminderHandle _reminder = new("conversation-wakeup", options.Value.ReminderPeriod);
    private readonly TurnTelemetry _telemetry = new(activity);
    private TurnTimers? _timers;
    private HistoryLines? _history;

    /// <summary>The state holds turn progress that storage does not have yet (fast steps, a finished turn).</summary>
    private bool _unsaved;

    /// <summary>This activation found work under way when its silo stopped: see <see cref="TurnEngine"/>'s remarks.</summary>
    private bool _recovering;

    /// <summary>Work found on activation resumes on a timer (<see cref="OnActivateAsync"/>); until then nothing else starts it.</summary>
    private bool _resumeDue;

    /// <summary>Last time a message arrived (or the activation started): the wake-up reminder is released after an idle while.</summary>
    private DateTimeOffset _lastActivity;

    /// <summary>The last message handed over for the sender has reached Twilio or failed: nothing left to watch.</summary>
    private bool _lastReplySettled;

    /// <summary>The number's country is served (Guard:AllowedCountries): parsed once per activation, not per message.</summary>
    private bool? _served;

    private ConversationState State => state.State;
    private TurnEngine Engine => new(State, pipeline.Names, options.Value);
    private string Phone => this.GetPrimaryKeyString();
    private string Masked => PhoneMask.Mask(Phone);
    private TurnTimers Timers => _timers ??= new(this, () => State.Turn);
    private HistoryLines History => _history ??= new(history, Phone, options.Value, logger);

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
        if (ConversationIntake.Decide(State, sms, options.Value, served: _served ??= guard.Serves(Phone)) is not { } decision)
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
        else if (decision.Outcome == AcceptOutcome.NotServed)
        {
            SwitchboardMetrics.NotServedMessages.Add(1);
            GuardLog.NotServed(logger, Masked, sms.MessageSid);
        }

        var startTurn = !_resumeDue && Engine.BeginIfIdle(Phone, time.GetUtcNow());
        if (startTurn)
        {
            _telemetry.StartTurn(sms, resumed: false);
        }

        var notice = decision.Notice is { } purpose ? await TrySendNoticeAsync(sms, purpose) : null;
        await WriteStateAsync();
        if (decision.Outcome is AcceptOutcome.OptedOut or AcceptOutcome.OptedIn or AcceptOutcome.IgnoredWhileOptedOut)
        {
            // One-way, after the opt-out is stored: the operators' count never holds up the message.
            await GrainFactory.GetGrain<IOptOutIndexGrain>(IOptOutIndexGrain.Key).Set(Phone, State.OptedOut);
        }
        if (recordNumber is { } number)
        {
            // The notice the message got, if any, is its answer in the history (operators and the dev phone see it).
            await History.TryWriteAsync(number, TurnRecord.For(sms, decision.Untaken!.Value, time.GetUtcNow(), notice?.Text, notice?.Id));
        }

        if (startTurn)
        {
            Timers.Arm(TimeSpan.Zero, State.Turn!, AdvanceAsync); // after this call returns: the webhook's hand-off first
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

    public Task<ChannelContact> GetContact() => Task.FromResult(State.Contact());

    public async Task Erase()
    {
        var recorded = await History.ReadAsync(State.RecordedTurns);
        await Task.WhenAll(ReplyChain.ToErase(State, Phone, recorded).Select(id => GrainFactory.GetGrain<IOutboundSmsGrain>(id).EraseBody()));
        await History.EraseAsync();

        // A turn in progress ends here: its late step results no longer match and are dropped.
        _telemetry.EndTurn("erased");
        Timers.StopAll();
        Engine.Clear();
        _recovering = _resumeDue = false;
        await WriteStateAsync();
        ConversationLog.Erased(logger, Masked);
    }

    public async Task<bool> ForgetIfUnregistered()
    {
        if (!state.RecordExists || Engine.HasPendingWork || State.OptedOut
            || await GrainFactory.GetGrain<IEmployeeGrain>(Phone).Get() is { IsGuest: false })
        {
            return false;
        }

        await History.EraseAsync();
        await state.ClearStateAsync();
        _unsaved = false;
        DeactivateOnIdle();
        return true;
    }

    public async Task<ConversationView> GetView()
    {
        if (!state.RecordExists && !Engine.HasPendingWork)
        {
            DeactivateOnIdle(); // a look at a number that never texted: not an active conversation
        }

        return ConversationViews.Of(Phone, State, Engine.StepName, await History.ReadAsync(State.RecordedTurns));
    }
}
