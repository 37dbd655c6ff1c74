using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>
/// Finds the outbound message a status callback is about when its URL has no <c>id</c>. The service always puts the
/// id in the StatusCallback it gives Twilio; a callback without it (configured by hand in the Twilio console, or from a
/// tool that builds callbacks from the documented fields) is placed by Twilio's message SID among the recent replies
/// to its <c>To</c> number. No index is kept for this rare path: it costs a few grain calls, never a storage write a turn.
/// </summary>
public static class StatusCallbackTarget
{
    public static async Task<string?> FindAsync(IGrainFactory grains, string phone, string twilioSid)
    {
        var conversation = await grains.GetGrain<IConversationGrain>(phone).GetView();
        var newestFirst = conversation.RecentTurns.Select(t => t.OutboundId).OfType<string>().Reverse().Distinct();
        foreach (var outboundId in newestFirst)
        {
            if (await grains.GetGrain<IOutboundSmsGrain>(outboundId).GetView() is { } view && view.TwilioSid == twilioSid)
            {
                return outboundId;
            }
        }

        return null;
    }
}
