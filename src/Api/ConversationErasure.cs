using Microsoft.Extensions.Logging;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>Erasure on request, as DELETE /admin/conversations/{phone} and the console's erase form do it.</summary>
internal static class ConversationErasure
{
    public static async Task EraseAsync(IGrainFactory grains, string e164, ILogger logger)
    {
        await grains.GetGrain<IConversationGrain>(e164).Erase();
        AdminLog.Erased(logger, PhoneMask.Mask(e164));
    }
}
