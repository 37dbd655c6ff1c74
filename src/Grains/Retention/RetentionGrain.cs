using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Grains.Retention;

/// <summary>
/// Applies Retention:Days to what is stored of messages: deletes turn history rows completed before the cutoff (of
/// every number, active or idle for months) and blanks the bodies of outbound records created before it (the erasure
/// of <see cref="IOutboundSmsGrain.EraseBody"/>: id, status, error code, attempts and times stay). Runs on its reminder,
/// off the message path; it remembers how far it has looked at outbound records, so each is woken about once.
/// </summary>
public sealed class RetentionGrain(
    [PersistentState("retention", StorageNames.State)] IPersistentState<RetentionState> state,
    IRetentionStore store,
    IOptions<RetentionOptions> options,
    [FromKeyedServices(RetentionGrain.Clock)] TimeProvider time,
    ILogger<RetentionGrain> logger)
    : Grain, IRetentionGrain, IRemindable
{
    /// <summary>Keyed TimeProvider of the cutoff (tests move it forward without moving the runtime's clock).</summary>
    public const string Clock = "retention";

    private const string SweepReminder = "retention-sweep";

    /// <summary>Erasures in parallel: enough to keep storage busy, few enough not to flood one silo.</summary>
    private const int Parallelism = 16;

    public async Task Start()
    {
        var period = options.Value.SweepPeriod;
        if (await this.GetReminder(SweepReminder) is null || state.State.ReminderPeriod != period)
        {
            // Registered only when missing or changed: every silo start calls this, and re-registering would push the
            // next sweep out by a period each time (a cluster restarted daily would never sweep).
            await this.RegisterOrUpdateReminder(SweepReminder, period, period);
            state.State.ReminderPeriod = period;
            await state.WriteOrReloadAsync(this);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => SweepLoggedAsync();

    public async Task<RetentionSweep> Sweep()
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var historyRows = await store.DeleteHistoryBeforeAsync(cutoff, CancellationToken.None);
        var erased = 0;
        var batch = new List<Task>(Parallelism);
        await foreach (var id in store.OutboundWrittenBetweenAsync(state.State.SweptUpTo, cutoff, CancellationToken.None))
        {
            batch.Add(GrainFactory.GetGrain<IOutboundSmsGrain>(id).EraseBody());
            erased++;
            if (batch.Count == Parallelism)
            {
                await Task.WhenAll(batch);
                batch.Clear();
            }
        }

        await Task.WhenAll(batch);
        var forgotten = 0;
        await foreach (var phone in store.ConversationsWrittenBetweenAsync(state.State.SweptUpTo, cutoff, CancellationToken.None))
        {
            // One at a time: idle conversations of unknown numbers are few next to the replies above.
            forgotten += await GrainFactory.GetGrain<IConversationGrain>(phone).ForgetIfUnregistered() ? 1 : 0;
        }

        // Moved on only after every record up to the cutoff was erased: a failed sweep is repeated whole.
        state.State.SweptUpTo = cutoff;
        await state.WriteOrReloadAsync(this);
        RetentionLog.Swept(logger, cutoff, historyRows, erased, forgotten);
        return new RetentionSweep(cutoff, historyRows, erased) { ConversationsRemoved = forgotten };
    }

    private async Task SweepLoggedAsync()
    {
        try
        {
            await Sweep();
        }
        catch (Exception ex)
        {
            RetentionLog.SweepFailed(logger, time.GetUtcNow() - options.Value.Retention, PhoneMask.Describe(ex));
        }
    }
}

[GenerateSerializer, Alias("Switchboard.RetentionState")]
public sealed class RetentionState
{
    /// <summary>The cutoff of the last finished sweep: outbound records last written before it were erased.</summary>
    [Id(0)] public DateTimeOffset? SweptUpTo { get; set; }

    /// <summary>Period the sweep's reminder was registered with (a grain reminder does not tell its period).</summary>
    [Id(1)] public TimeSpan? ReminderPeriod { get; set; }
}
