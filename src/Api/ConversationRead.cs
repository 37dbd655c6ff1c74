using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>One conversation with the delivery of each recent reply: what GET /admin/conversations/{phone} and the console show.</summary>
internal static class ConversationRead
{
    public static async Task<ConversationResponse> ReadAsync(IGrainFactory grains, string e164)
    {
        var view = await grains.GetGrain<IConversationGrain>(e164).GetView();
        var deliveries = await Task.WhenAll(view.RecentTurns.Select(async t =>
            t.OutboundId is null ? null : await grains.GetGrain<IOutboundSmsGrain>(t.OutboundId).GetView()));
        var turns = view.RecentTurns.Zip(deliveries, TurnResponse.Of).ToList();
        return new ConversationResponse(view.Phone, view.OptedOut, view.Pending, view.CurrentTurn, turns, view.DroppedMessages)
        {
            LastChannel = view.LastChannel,
            LastWhatsAppAt = view.LastWhatsAppAt,
        };
    }
}
