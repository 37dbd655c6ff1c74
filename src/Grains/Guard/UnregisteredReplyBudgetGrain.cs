using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Grains.Guard;

/// <summary>The replies the service may still send, in this window, to numbers no operator registered (one grain for all).</summary>
[Alias("Switchboard.IUnregisteredReplyBudgetGrain")]
public interface IUnregisteredReplyBudgetGrain : IGrainWithIntegerKey
{
    /// <summary>Takes one reply from the window's budget; false when it is spent.</summary>
    [Alias("TryTake")]
    Task<bool> TryTake();
}

/// <summary>
/// Guard:UnregisteredReplies per Guard:UnregisteredWindow, across all senders together: each inbound message from an
/// unknown number buys at most that many outbound ones, however many numbers a bot texts from. Stored, so a restart
/// does not hand out a fresh budget: a spent budget at once, replies granted within a second (a crash may forget a
/// second's grants), so a large budget (Development's) costs a write a second, not a write a reply.
/// </summary>
public sealed class UnregisteredReplyBudgetGrain(
    [PersistentState("reply-budget", StorageNames.State)] IPersistentState<ReplyBudgetState> state,
    IOptions<GuardOptions> options,
    TimeProvider time,
    ILogger<UnregisteredReplyBudgetGrain> logger)
    : Grain, IUnregisteredReplyBudgetGrain
{
    private CoalescedSave<ReplyBudgetState>? _save;

    private CoalescedSave<ReplyBudgetState> Save => _save ??= new(this, state, TimeSpan.FromSeconds(1));

    public async Task<bool> TryTake()
    {
        var (budget, now) = (state.State, time.GetUtcNow());
        if (now - budget.WindowStart >= options.Value.UnregisteredWindow)
        {
            (budget.WindowStart, budget.Taken, budget.Told) = (now, 0, false);
        }

        if (budget.Taken < options.Value.UnregisteredReplies)
        {
            budget.Taken++;
            Save.Soon();
            return true;
        }

        if (!budget.Told)
        {
            budget.Told = true; // logged once per window, and stored at once
            GuardLog.UnregisteredBudgetSpent(logger, options.Value.UnregisteredReplies, budget.WindowStart + options.Value.UnregisteredWindow);
            await Save.NowAsync();
        }

        return false;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Save.FlushAsync();
}

[GenerateSerializer, Alias("Switchboard.ReplyBudgetState")]
public sealed class ReplyBudgetState
{
    [Id(0)] public DateTimeOffset WindowStart { get; set; }

    [Id(1)] public int Taken { get; set; }

    /// <summary>The spent budget was logged in this window.</summary>
    [Id(2)] public bool Told { get; set; }
}

internal static partial class GuardLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Guard: {Limit} replies to unregistered numbers sent in this window (Guard:UnregisteredReplies); further ones are recorded, not answered, until {Until}")]
    public static partial void UnregisteredBudgetSpent(ILogger logger, int limit, DateTimeOffset until);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Debug, Message = "Guard: message {MessageSid} from {Phone} acknowledged, not answered: the number's country is not served (Guard:AllowedCountries)")]
    public static partial void NotServed(ILogger logger, string phone, string messageSid);
}
