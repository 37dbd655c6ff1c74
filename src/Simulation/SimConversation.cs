using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Conversations;

namespace Switchboard.Simulation;

/// <summary>
/// <see cref="ConversationGrain"/>'s shell, step for step, on the simulated runtime: the same
/// <see cref="ConversationIntake"/>, <see cref="TurnEngine"/> and <see cref="ReplyChain"/> decide; only persistence,
/// timers, reminders and calls are the simulation's. Keep the two in step.
/// </summary>
internal sealed class SimConversation(SimRuntime runtime, string phone, SimStorage storage, SimHistory history, SimAgents agents, ConversationOptions options, bool slowSteps, Recorder recorder)
    : SimGrain(runtime, phone)
{
    private const string WakeUpReminder = "conversation-wakeup";
    private const int HistoryAttempts = 3;

    private ConversationState _state = new();
    private int _etag;
    private bool _reminderHeld;
    private SimTimer? _stepTimer;
    private bool _unsaved;
    private bool _recovering;
    private bool _resumeDue;
    private int _historyFailures;
    private DateTimeOffset _lastActivity;
    private bool _lastReplySettled;

    private ConversationState State => _state;
    private TurnEngine Engine => new(_state, SimAgents.Steps, options);
    private string StorageKey => "conversation/" + Key;

    protected override async Task OnActivateAsync()
    {
        (_state, _etag) = await storage.ReadAsync<ConversationState>(StorageKey);
        _lastActivity = World.Now;
        World.Trace($"{Key}: activated with {State.Inbox.Count} pending, turn {State.Turn?.Context.MessageSid ?? "none"}");
        if (Engine.HasPendingWork)
        {
            _reminderHeld = true;
            _recovering = _resumeDue = true;
            Timer(0, ResumeAsync);
        }
    }

    protected override Task OnDeactivateAsync() => SaveUnsavedAsync();

    private Task ResumeAsync()
    {
        if (!_resumeDue)
        {
            return Task.CompletedTask;
        }

        _resumeDue = false;
        if (State.Turn is null && !Engine.BeginIfIdle(Key, World.Now))
        {
            return Task.CompletedTask;
        }

        return AdvanceAsync();
    }

    public async Task<AcceptOutcome> Accept(InboundSms sms)
    {
        if (ConversationIntake.Decide(State, sms, options) is not { } decision)
        {
            return AcceptOutcome.Duplicate;
        }

        _lastActivity = World.Now;
        if (decision.Queues || Engine.HasPendingWork)
        {
            await HoldAsync();
        }

        var recordNumber = ConversationIntake.Apply(State, sms, decision, options);
        if (decision.Queues)
        {
            recorder.Queued(sms.MessageSid);
        }

        var startTurn = !_resumeDue && Engine.BeginIfIdle(Key, World.Now);
        var notice = decision.Notice is { } purpose ? await TrySendNoticeAsync(sms, purpose) : null;
        await WriteStateAsync();
        if (recordNumber is { } number)
        {
            await TryWriteHistoryAsync(number, TurnRecord.For(sms, decision.Untaken!.Value, World.Now, notice, notice is null ? null : OutboundId.For(Key, sms.MessageSid, decision.Notice!)));
        }

        if (startTurn)
        {
            ArmStepTimer(0, State.Turn!, AdvanceAsync);
        }

        return decision.Outcome;
    }

    private async Task<string?> TrySendNoticeAsync(InboundSms sms, string purpose)
    {
        try
        {
            await SendAsync(sms.MessageSid, ConversationGrain.OverflowReply, purpose, sms);
            return ConversationGrain.OverflowReply;
        }
        catch
        {
            return null;
        }
    }

    public async Task CompleteStep(StepCompletion completion)
    {
        var engine = Engine;
        if (_resumeDue || !engine.IsCurrent(completion))
        {
            World.Trace($"{Key}: drops a step answer for {completion.MessageSid} step {completion.StepIndex}");
            return;
        }

        CancelStepTimer();
        if (completion.Result is null)
        {
            await StepFailedAsync(Engine.StepFailed(completion));
            return;
        }

        if (engine.StepDone(completion, slowSteps))
        {
            await WriteStateAsync();
        }
        else
        {
            _unsaved = true;
        }

        await AdvanceAsync();
    }

    private async Task AdvanceAsync()
    {
        var next = Engine.Next(_recovering);
        World.Trace($"{Key}: turn {State.Turn!.Context.MessageSid} step {State.Turn.StepIndex} attempt {State.Turn.StepAttempt}: {next}");
        switch (next)
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

    private Task StepFailedAsync(string error) => StepFailedAsync(Engine.StepFailed(error));

    private async Task StepFailedAsync(TurnAction next)
    {
        var turn = State.Turn!;
        switch (next)
        {
            case TurnAction.RetryStep(var delay, var writeFirst):
                if (writeFirst)
                {
                    await WriteStateAsync();
                }

                ArmStepTimer((long)delay.TotalMilliseconds, turn, AdvanceAsync);
                break;
            case TurnAction.Finish finish:
                await TryFinishTurnAsync(finish);
                break;
        }
    }

    private async Task TryFinishTurnAsync(TurnAction.Finish finish)
    {
        var turn = State.Turn!;
        try
        {
            await FinishTurnAsync(turn, finish);
        }
        catch (Exception ex)
        {
            World.Trace($"{Key}: finish of {turn.Context.MessageSid} failed ({ex.Message}); again later");
            ArmStepTimer((long)options.StepRetryBackoff.TotalMilliseconds, turn, () => TryFinishTurnAsync(finish));
        }
    }

    private async Task FinishTurnAsync(ActiveTurn turn, TurnAction.Finish finish)
    {
        var sms = Engine.Message;
        var (reply, error) = (finish.Reply, finish.Error);
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

            turn.ReplyId = await SendAsync(sms.MessageSid, reply, "reply", sms);
        }

        await WriteHistoryOfFinishedTurnAsync(TurnRecord.For(sms, finish.Outcome, World.Now, reply, turn.ReplyId, turn.Timings, error, tokens: turn.Tokens));
        recorder.TurnEnded(Key, sms.MessageSid, finish.Outcome, turn.ReplyId);
        World.Trace($"{Key}: turn {sms.MessageSid} ended {finish.Outcome}");
        _unsaved = true;
        if (!Engine.End())
        {
            _recovering = false;
            return;
        }

        Engine.BeginIfIdle(Key, World.Now);
        ArmStepTimer(0, State.Turn!, AdvanceAsync);
    }

    private async Task WriteHistoryOfFinishedTurnAsync(TurnRecord record)
    {
        try
        {
            await history.WriteAsync(Key, State.RecordedTurns, record);
        }
        catch (Exception) when (++_historyFailures >= HistoryAttempts)
        {
            // only its line in the history is lost
        }

        _historyFailures = 0;
    }

    private async Task<string> SendAsync(string messageSid, string body, string purpose, InboundSms answering)
    {
        var outboundId = OutboundId.For(Key, messageSid, purpose);
        if (ReplyChain.Holds(State, outboundId))
        {
            return outboundId;
        }

        var message = new OutboundSms(Key, body, purpose) { After = State.LastReplyId, WatchedBySender = _reminderHeld && purpose == "reply", Channel = answering.Channel, From = answering.ReplyFrom,
            Email = answering.Email is { } mail ? OutboundEmail.Answering(mail) : null };
        World.Trace($"{Key}: hands over {outboundId} after {message.After ?? "nothing"} (watched: {message.WatchedBySender})");
        recorder.HandedOver(Key, outboundId, message);
        await Runtime.Call<SimOutbound>(outboundId, o => o.Send(message));
        if (ReplyChain.Joins(purpose))
        {
            ReplyChain.Append(State, outboundId);
            _lastReplySettled = false;
            _unsaved = true;
        }

        return outboundId;
    }

    private void RunCurrentStep()
    {
        var turn = State.Turn!;
        var request = new StepRequest(turn.StepIndex, turn.Context) { Attempt = turn.StepAttempt, TurnTokens = turn.Tokens };
        var (ms, fails, overBudget) = agents.Draw(slowSteps);
        if (!slowSteps)
        {
            ArmStepTimer(0, turn, async () =>
            {
                await World.Loop.Delay(ms!.Value); // a fast step runs in the grain's turn
                await CompleteStep(SimAgents.Complete(request, ms.Value, fails));
            });
            return;
        }

        // On a worker: its answer comes back as a call, unless it is lost (or the process dies meanwhile).
        var incarnation = World.Incarnation;
        if (ms is { } took)
        {
            World.Loop.At(took, () =>
            {
                if (incarnation == World.Incarnation && World.Up)
                {
                    Runtime.Tell<SimConversation>(Key, c => c.CompleteStep(SimAgents.Complete(request, took, fails, overBudget, slow: true)));
                }
            });
        }

        ArmStepTimer((long)options.StepTimeout.TotalMilliseconds, turn, () => StepFailedAsync("no answer from the agent worker"));
    }

    private void ArmStepTimer(long dueMs, ActiveTurn turn, Func<Task> action)
    {
        CancelStepTimer();
        var (sid, stepIndex, attempt) = (turn.Context.MessageSid, turn.StepIndex, turn.StepAttempt);
        _stepTimer = Timer(dueMs, () => State.Turn is { } current && current.Context.MessageSid == sid && current.StepIndex == stepIndex && current.StepAttempt == attempt
            ? action()
            : Task.CompletedTask);
    }

    private void CancelStepTimer()
    {
        _stepTimer?.Dispose();
        _stepTimer = null;
    }

    public override async Task ReceiveReminderAsync()
    {
        World.Trace($"{Key}: reminder");
        _reminderHeld = true;
        if (!await LastReplySettledAsync() || Engine.HasPendingWork || World.Now - _lastActivity < options.ReminderIdleRelease)
        {
            return;
        }

        await SaveUnsavedAsync();
        if (_reminderHeld)
        {
            _reminderHeld = false;
            await ReleaseReminderAsync(WakeUpReminder);
        }
    }

    private async Task<bool> LastReplySettledAsync()
    {
        if (!_lastReplySettled && State.LastReplyId is { } id)
        {
            _lastReplySettled = await Runtime.Call<SimOutbound, DeliveryStatus?>(id, o => o.GetStatus(), interleave: true) is not DeliveryStatus.Pending;
            if (!_lastReplySettled)
            {
                Runtime.Tell<SimOutbound>(id, o => o.Wake());
            }
        }

        return _lastReplySettled || State.LastReplyId is null;
    }

    private async Task HoldAsync()
    {
        if (!_reminderHeld)
        {
            await HoldReminderAsync(WakeUpReminder);
            _reminderHeld = true;
        }
    }

    private async Task WriteStateAsync()
    {
        try
        {
            _etag = await storage.WriteAsync(StorageKey, _state, _etag);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
        finally
        {
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

    private async Task TryWriteHistoryAsync(long number, TurnRecord record)
    {
        try
        {
            await history.WriteAsync(Key, number, record);
        }
        catch
        {
            // the message itself is safe in the state
        }
    }

    public Task<ChannelContact> GetContact() => Task.FromResult(State.Contact());

    public async Task Erase()
    {
        var recorded = await history.ReadAsync(Key);
        await Task.WhenAll(ReplyChain.ToErase(State, Key, recorded).Select(id => Runtime.Call<SimOutbound>(id, o => o.EraseBody())));
        await history.EraseAsync(Key);
        CancelStepTimer();
        Engine.Clear();
        _recovering = _resumeDue = false;
        await WriteStateAsync();
    }
}
