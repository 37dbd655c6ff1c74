using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts;
using Switchboard.Grains.Telemetry;

namespace Switchboard.Grains.Outbound;

/// <summary>What operators see of a message's attempts: the "send" span of each call, and the log line and counter of each outcome.</summary>
internal static class SmsAttempt
{
    /// <summary>
    /// One call to the carrier, traced under the turn that wrote the message (a timer has no ambient activity). An
    /// exception the sender did not classify becomes an Unknown attempt: escaping would leave the attempt in flight
    /// and unrecorded, and the sender's next reply waiting behind it.
    /// </summary>
    public static async Task<SendResult> SendAsync(ISmsSender sender, string id, OutboundSms toSend, string? traceParent, int attempt, ILogger logger)
    {
        using var span = SwitchboardTracing.Start("send", traceParent);
        var masked = PhoneMask.MaskNumbersIn(id);
        span.Activity?.SetTag("switchboard.outbound_id", masked);
        span.Activity?.SetTag("switchboard.attempt", attempt);
        if (toSend.Template is { } template)
        {
            OutboundLog.AsTemplate(logger, masked, template.ContentSid);
        }

        SendResult result;
        try
        {
            result = await sender.SendAsync(id, toSend);
        }
        catch (Exception ex)
        {
            var error = PhoneMask.Describe(ex);
            OutboundLog.Unexpected(logger, masked, attempt, error);
            result = SendResult.Unknown(error);
        }

        span.Activity?.SetTag("switchboard.send.outcome", result.Outcome.ToString());
        if (result.Outcome != SendOutcome.Accepted)
        {
            span.Activity?.SetStatus(ActivityStatusCode.Error, result.Error);
        }

        return result;
    }

    public static void Retrying(ILogger logger, string id, OutboundState state, SendResult result, DateTimeOffset at)
    {
        SwitchboardMetrics.OutboundRetries.Add(1);
        if (result.Outcome == SendOutcome.Retryable)
        {
            OutboundLog.Retrying(logger, PhoneMask.MaskNumbersIn(id), state.Attempts.Count, result.HttpStatus, result.ErrorCode, at, PhoneMask.MaskNumbersIn(result.Error));
        }
    }

    /// <summary>The message ended on an attempt's answer (or on the lookup that replaced one).</summary>
    public static void Ended(ILogger logger, string id, OutboundState state, SendResult result)
    {
        var masked = PhoneMask.MaskNumbersIn(id);
        if (state.Status == DeliveryStatus.Accepted)
        {
            SwitchboardMetrics.OutboundAccepted.Add(1);
            OutboundLog.Accepted(logger, masked, state.TwilioSid!, state.Attempts.Count);
            return;
        }

        SwitchboardMetrics.OutboundFailed.Add(1);
        OutboundLog.Failed(logger, masked, state.Status.ToString(), result.HttpStatus, result.ErrorCode, PhoneMask.MaskNumbersIn(result.Error));
    }
}
