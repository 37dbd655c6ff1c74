using Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Summary;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Grains.Outbound;

/// <summary>
/// One outbound message (SMS, WhatsApp or email): the shell around <see cref="SendGate"/> and <see cref="DeliveryLedger"/>, which decide; this grain
/// persists, schedules and calls. This file takes the calls (send, wake, reminder, status callbacks, erasure, resend,
/// view); OutboundSmsGrain.Attempt.cs makes an attempt. The intent is written before Twilio is called (one write that
/// also marks the first attempt), each answer after it. Once Twilio's acceptance is recorded the message is never sent again, and an
/// attempt whose answer was lost is looked up in Twilio's message list before anything is sent again.
/// </summary>
/// <remarks>
/// Who wakes a pending message after a restart or a collection: its own reminder once it has to retry (or when nobody
/// watches it); before that, the sender's: the conversation's reminder looks at its last reply until it settled, and a
/// message waiting behind an earlier one asks that one at each attempt (<see cref="SettledOrWake"/>), which loads it,
/// makes it look again, and wakes the waiting one when it settles. A message ends only after the one before it.
/// </remarks>
// A settled message hears at most a few status callbacks, within seconds.
[CollectionAgeLimit(Minutes = 2)]
public sealed partial class OutboundSmsGrain(
    [FromKeyedServices(StorageNames.State)] IGrainStorage storage,
    ISmsSender sender,
    IEmailSender emailSender,
    IOptions<OutboundOptions> options,
    IOptions<TwilioOptions> twilio,
    TimeProvider time,
    SiloActivity activity,
    ILogger<OutboundSmsGrain> logger)
    : Grain, IOutboundSmsGrain, IRemindable
{
    /// <summary>The state's name, the start of every message's row key (the retention sweep queries it).</summary>
    public const string StateName = "outbound";

    private readonly GrainReminderHandle _reminder = new("outbound-retry", options.Value.ReminderPeriod);

    /// <summary>Messages waiting behind this one, woken when it settles (a lost wake is made up by their watchers).</summary>
    private readonly HashSet<string> _successors = [];

    private IGrainTimer? _attemptTimer;
    private bool _retryingCounted;

    /// <summary>Send's write marked the first attempt in flight: nothing is unknown before it, it needs no write of its own.</summary>
    private bool _attemptMarked;

    /// <summary>A change is being written, or its write failed: until it is stored, the message has not settled for anyone asking.</summary>
    private bool _storageBehind;

    private LazyGrainState<OutboundState>? _state;

    /// <summary>Read on first need, not on activation: a new message's first call is <see cref="Send"/>, whose insert needs no read.</summary>
    private LazyGrainState<OutboundState> state => _state ??= new(storage, StateName, this);

    private OutboundState State => state.State;
    private DeliveryLedger Ledger => new(State, options.Value);
    private string Id => this.GetPrimaryKeyString();
    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Who carries the message: Twilio (SMS, WhatsApp) or SendGrid (email).</summary>
    private ISmsSender CarrierOf(OutboundSms message) => message.Channel == MessageChannel.Email ? emailSender : sender;

    /// <summary>Whoever wakes a pending message after a restart resumes its attempts: every entry point loads it first.</summary>
    private async Task EnsureLoadedAsync()
    {
        if (await state.EnsureLoadedAsync())
        {
            ScheduleIfIdle();
        }

        CountRetrying();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        CountRetrying(active: false);
        return Task.CompletedTask;
    }

    public async Task Send(OutboundSms message)
    {
        if (state.IsLoaded && State.Message is not null)
        {
            return; // Already asked: the same id always means the same message.
        }

        if (!message.WatchedBySender)
        {
            await _reminder.HoldAsync(this); // before the write: a message stored pending always has its wake-up
        }

        var now = Now;
        await state.WaitIdleAsync();
        var loadedHere = !state.IsLoaded;
        if (!(loadedHere && await state.TryCreateAsync(s => DeliveryLedger.Create(s, message, now))))
        {
            if (State.Message is not null)
            {
                if (loadedHere)
                {
                    ScheduleIfIdle(); // asked before this activation (a hand-off repeated after a crash)
                }

                return;
            }

            DeliveryLedger.Create(State, message, now);
            await WriteAsync();
        }

        _attemptMarked = true;
        ScheduleAttempt(TimeSpan.Zero);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await EnsureLoadedAsync();
        _reminder.MarkHeld();
        if (!Ledger.IsPending)
        {
            await _reminder.ReleaseAsync(this); // done, or a Send whose write failed left the reminder behind
        }

        ScheduleIfIdle(); // after a restart, or a wake that never came
    }

    public async Task<bool> SettledOrWake(string successorId)
    {
        await EnsureLoadedAsync();
        if (!Ledger.IsPending && !_storageBehind)
        {
            return true;
        }

        // Asked means watched: a message waiting behind another makes that one look again at the one before it, so a
        // wake lost on the way (a collection, a failed write) is made up by whoever watches the last one.
        _successors.Add(successorId);
        ScheduleIfIdle();
        return false;
    }

    public async Task Wake()
    {
        await EnsureLoadedAsync();
        ScheduleIfIdle();
    }

    private void ScheduleIfIdle()
    {
        if (_attemptTimer is null && Ledger.IsPending)
        {
            ScheduleAttempt(Delay(State.NextAttemptAt));
        }
    }

    private void ScheduleAttempt(TimeSpan dueTime)
    {
        _attemptTimer?.Dispose();
        _attemptTimer = this.RegisterGrainTimer(_ => AttemptAsync(), new GrainTimerCreationOptions { DueTime = dueTime, Period = Timeout.InfiniteTimeSpan });
    }

    public async Task EraseBody()
    {
        await EnsureLoadedAsync();
        if (State.Message is { Body.Length: > 0 } message)
        {
            State.Message = message with { Body = "" };
            if (Ledger.IsPending)
            {
                Ledger.End(DeliveryStatus.Suppressed); // erased before it went out: never sent
                await EndedAsync();
            }
            else
            {
                await WriteAsync();
            }
        }

        // Always, even when this text was already gone: an earlier erasure may have stopped before reaching them all.
        await Task.WhenAll(State.ResentAs.Select(id => GrainFactory.GetGrain<IOutboundSmsGrain>(id).EraseBody()));
    }

    public async Task<string?> Resend()
    {
        await EnsureLoadedAsync();
        if (State.Message is not { Body.Length: > 0 } message || !Ledger.IsFailed)
        {
            return null; // no text to send, or it did not fail: a delivered message is never sent twice
        }

        // Recorded before the copy exists, and this grain is busy until the copy is stored: an erasure of this message
        // (which waits for it) always finds the copy and erases its text too.
        var resendId = OutboundId.ForResend(Id);
        State.ResentAs.Add(resendId);
        await WriteAsync();
        await GrainFactory.GetGrain<IOutboundSmsGrain>(resendId).Send(new OutboundSms(message.To, message.Body, "resend")
        {
            ResendOf = Id,
            Channel = message.Channel,
            From = message.From,
            Email = message.Email,
        });
        return resendId;
    }

    public async Task RecordStatus(string twilioStatus, string? errorCode, string? twilioSid)
    {
        await EnsureLoadedAsync();
        var wasFailed = Ledger.IsFailed;
        if (State.Message is null || !TwilioStatusReport.Apply(State, twilioStatus, errorCode, twilioSid))
        {
            return;
        }

        await EndedAsync();
        if (wasFailed && !Ledger.IsFailed)
        {
            // Given up on, yet Twilio had it and delivered it: no longer a failed reply for operators to resend.
            await FailedRepliesIndex.RemoveAsync(GrainFactory, Id, logger);
        }
    }

    public async Task<OutboundView?> GetView()
    {
        await EnsureLoadedAsync();
        return State.View(Id);
    }

    private async Task WriteAsync()
    {
        _storageBehind = true;
        await state.WriteOrReloadAsync();
        _storageBehind = false;
    }

    /// <summary>Keeps the silo's count in step with the state: pending after at least one attempt is retrying.</summary>
    private void CountRetrying(bool active = true)
    {
        var retrying = active && State is { Status: DeliveryStatus.Pending, Attempts.Count: > 0 };
        if (retrying != _retryingCounted)
        {
            _retryingCounted = retrying;
            activity.AddRetrying(retrying ? 1 : -1);
        }
    }

    private TimeSpan Delay(DateTimeOffset? at) => at is { } due && due > Now ? due - Now : TimeSpan.Zero;
}
