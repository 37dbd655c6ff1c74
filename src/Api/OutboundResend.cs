using Microsoft.Extensions.Logging;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>
/// Sending a failed message again, as POST /admin/outbound/{id}/resend and the console's resend form do: only a message
/// that failed and still has its text, as a new message linked to the old one (the attempt checks the opt-out).
/// </summary>
internal static class OutboundResend
{
    public static async Task<ResendResult> TryAsync(IGrainFactory grains, string id, ILogger logger)
    {
        if (await grains.GetGrain<IOutboundSmsGrain>(id).GetView() is not { } failed)
        {
            return ResendResult.NotFound;
        }

        if (failed.Body.Length == 0)
        {
            return ResendResult.Refused("The message's text was erased.");
        }

        if (failed.Status is not (DeliveryStatus.Rejected or DeliveryStatus.GaveUp or DeliveryStatus.Undelivered or DeliveryStatus.NotSent))
        {
            return ResendResult.Refused($"The message did not fail (status {failed.Status}): it is not sent twice.");
        }

        // A new message, not a retry of the old one: the old record keeps its history and the new id, so erasing the
        // old text erases the copy's too.
        if (await grains.GetGrain<IOutboundSmsGrain>(id).Resend() is not { } resendId)
        {
            return ResendResult.Refused("The message's text was erased, or it no longer failed.");
        }

        AdminLog.Resent(logger, PhoneMask.MaskNumbersIn(id), PhoneMask.MaskNumbersIn(resendId));
        return new ResendResult(resendId, null);
    }
}

/// <summary>The new message's id, or why nothing was sent (<see cref="Found"/> false: no message has that id).</summary>
internal sealed record ResendResult(string? ResendId, string? Refusal, bool Found = true)
{
    public static readonly ResendResult NotFound = new(null, "No outbound message has this id.", Found: false);

    public static ResendResult Refused(string reason) => new(null, reason);
}
