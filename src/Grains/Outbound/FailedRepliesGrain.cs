using Microsoft.Extensions.Logging;
using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <inheritdoc cref="IFailedRepliesGrain"/>
public sealed class FailedRepliesGrain(
    [PersistentState("failed-replies", StorageNames.State)] IPersistentState<FailedRepliesState> state)
    : Grain, IFailedRepliesGrain
{
    public async Task Add(FailedReply reply)
    {
        var items = state.State.Items;
        if (items.Any(r => r.Id == reply.Id && r.Status == reply.Status))
        {
            return; // told twice (a status callback repeated)
        }

        items.RemoveAll(r => r.Id == reply.Id); // a later, worse status replaces an earlier one
        items.Add(reply);
        if (items.Count > IFailedRepliesGrain.Kept)
        {
            items.RemoveRange(0, items.Count - IFailedRepliesGrain.Kept);
        }

        await state.WriteOrReloadAsync(this);
    }

    public async Task Remove(string id)
    {
        if (state.State.Items.RemoveAll(r => r.Id == id) > 0)
        {
            await state.WriteOrReloadAsync(this);
        }
    }

    public Task<int> CountSince(DateTimeOffset since) => Task.FromResult(state.State.Items.Count(r => r.At >= since));

    public Task<FailedRepliesPage> List(int skip, int take)
    {
        var items = state.State.Items;
        IReadOnlyList<FailedReply> page = [.. Enumerable.Reverse(items).Skip(skip).Take(take)];
        return Task.FromResult(new FailedRepliesPage(items.Count, page));
    }
}

/// <summary>Operators list failed messages from an index kept as they fail (GET /admin/outbound?state=failed).</summary>
internal static class FailedRepliesIndex
{
    /// <summary>Best effort: the message itself records its failure; only its line in the list is lost.</summary>
    public static async Task AddAsync(IGrainFactory grains, FailedReply reply, ILogger logger)
    {
        try
        {
            await grains.GetGrain<IFailedRepliesGrain>(IFailedRepliesGrain.Key).Add(reply);
        }
        catch (Exception ex)
        {
            OutboundLog.IndexFailed(logger, PhoneMask.MaskNumbersIn(reply.Id), PhoneMask.Describe(ex));
        }
    }

    /// <summary>A reply that failed and then was delivered after all (a late callback) leaves the list; best effort too.</summary>
    public static async Task RemoveAsync(IGrainFactory grains, string id, ILogger logger)
    {
        try
        {
            await grains.GetGrain<IFailedRepliesGrain>(IFailedRepliesGrain.Key).Remove(id);
        }
        catch (Exception ex)
        {
            OutboundLog.IndexFailed(logger, PhoneMask.MaskNumbersIn(id), PhoneMask.Describe(ex));
        }
    }
}

[GenerateSerializer, Alias("Switchboard.FailedRepliesState")]
public sealed class FailedRepliesState
{
    [Id(0)] public List<FailedReply> Items { get; set; } = [];
}
