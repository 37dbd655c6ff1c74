using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>Twilio's status callbacks (queued, sent, delivered, undelivered, failed) applied to a stored message.</summary>
public static class TwilioStatusReport
{
    public static DeliveryStatus Map(string twilioStatus) => twilioStatus.ToLowerInvariant() switch
    {
        "sent" => DeliveryStatus.Sent,
        "delivered" => DeliveryStatus.Delivered,
        "undelivered" or "failed" => DeliveryStatus.Undelivered,
        _ => DeliveryStatus.Accepted, // queued, accepted, sending
    };

    /// <summary>
    /// Applies a callback; returns whether it changed anything. Callbacks can arrive out of order: never move back
    /// (delivered, then a late "sent"); one that tells nothing new (Twilio repeats itself) changes nothing. A callback
    /// ends a message still waiting for a retry: Twilio took it even if no attempt saw that (a timeout).
    /// </summary>
    public static bool Apply(OutboundState state, string twilioStatus, string? errorCode, string? twilioSid)
    {
        var reported = Map(twilioStatus);
        var changes = reported != state.Status || twilioStatus != state.TwilioStatus || (errorCode is not null && errorCode != state.ErrorCode)
            || (state.TwilioSid is null && twilioSid is not null);
        if (!changes || Rank(reported) < Rank(state.Status))
        {
            return false;
        }

        state.Status = reported;
        state.TwilioStatus = twilioStatus;
        state.ErrorCode = errorCode ?? state.ErrorCode;
        state.TwilioSid ??= twilioSid; // known here even if the attempt's answer was lost
        state.NextAttemptAt = null;
        state.AttemptInFlight = false;
        state.UnknownSince = null;
        return true;
    }

    private static int Rank(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => 0,
        DeliveryStatus.Accepted => 1,
        DeliveryStatus.Sent => 2,
        _ => 3,
    };
}
