using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>The endpoints Twilio calls: inbound messages and delivery status callbacks.</summary>
public static class TwilioWebhookApi
{
    /// <summary>Twilio's SIDs are 34 characters; a longer one is refused rather than kept as a dedupe key.</summary>
    public const int MaxMessageSidLength = 64;

    public const string EmptyTwiml = """<?xml version="1.0" encoding="UTF-8"?><Response></Response>""";

    public static RouteGroupBuilder MapTwilioWebhookApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/twilio")
            .AddEndpointFilter<TwilioRequestFilter>()
            .WithMetadata(new RequestSizeLimitAttribute(WebhookOptions.MaxBodyBytes))
            .DisableAntiforgery()
            .WithTags("Twilio");
        group.MapPost("/sms", ReceiveSms).WithSummary("Inbound SMS and WhatsApp webhook (From=whatsapp:+…): acknowledged at once with empty TwiML.");
        group.MapPost("/status", ReceiveStatus).WithSummary("Delivery status callback of an outbound SMS.");
        return group;
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> ReceiveSms(
        HttpRequest request, IGrainFactory grains, StorageWatch storage, IOptions<WebhookOptions> webhook, IOptions<TwilioOptions> twilio,
        TimeProvider time, ILogger<WebhookLog> logger)
    {
        var form = request.Form;
        if (!form.TryGetValue("MessageSid", out var sid) || string.IsNullOrWhiteSpace(sid)
            || !form.TryGetValue("From", out var from) || !form.TryGetValue("Body", out _))
        {
            WebhookLog.Refused(logger, request.Path, StatusCodes.Status400BadRequest, "missing MessageSid, From or Body");
            return TypedResults.Problem("MessageSid, From and Body are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (sid.ToString().Length > MaxMessageSidLength)
        {
            WebhookLog.Refused(logger, request.Path, StatusCodes.Status400BadRequest, "MessageSid too long");
            return TypedResults.Problem($"MessageSid is longer than {MaxMessageSidLength} characters.", statusCode: StatusCodes.Status400BadRequest);
        }

        // The person is the number inside the address, whichever channel: one employee, timesheet and conversation.
        if (!TwilioAddress.TryParse(from, webhook.Value.DefaultRegion, out var channel, out var phone))
        {
            WebhookLog.Refused(logger, request.Path, StatusCodes.Status400BadRequest, "unparseable From");
            return TypedResults.Problem("From is not a phone number.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (storage.IsDown)
        {
            // Known down: a one-way call could not tell, and an awaited one would only fail after the storage
            // client's retries, perhaps after Twilio stopped waiting.
            return Unavailable("grain storage does not answer");
        }

        var text = InboundFields.Text(form);
        var sms = new InboundSms(sid.ToString(), phone, form["To"].ToString(), text.Length > InboundSms.MaxBodyLength ? text[..InboundSms.MaxBodyLength] : text, time.GetUtcNow())
        {
            Channel = channel,
            MediaCount = InboundFields.MediaCount(form),
            StatusCallbackUrl = $"{TwilioSignature.PublicBaseUrl(request, twilio.Value.WebhookBaseUrl)}/twilio/status",
            TraceParent = SwitchboardTracing.CurrentTraceParent(), // the turn is traced under this request
        };

        if (await ConversationHandOff.TryAsync(grains, sms, webhook.Value, time, request.HttpContext.RequestAborted) is { } failed)
        {
            return Unavailable(failed);
        }

        return TypedResults.Content(EmptyTwiml, "application/xml");

        // Twilio retries a 5xx (with a retry connection override or a fallback URL): better than acknowledging a
        // message we could not keep.
        ProblemHttpResult Unavailable(string error)
        {
            WebhookLog.HandOffFailed(logger, PhoneMask.Mask(phone), sid.ToString(), error);
            return TypedResults.Problem("The message could not be accepted; please retry.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    internal static async Task<Results<Ok, ProblemHttpResult>> ReceiveStatus(
        HttpRequest request, [FromQuery] string? id, IGrainFactory grains, IOptions<WebhookOptions> webhook, TimeProvider time, ILogger<WebhookLog> logger)
    {
        var form = request.Form;
        var status = form["MessageStatus"].ToString();
        var twilioSid = form["MessageSid"].ToString();
        if (string.IsNullOrWhiteSpace(status) || (string.IsNullOrWhiteSpace(id) && string.IsNullOrWhiteSpace(twilioSid)))
        {
            WebhookLog.Refused(logger, request.Path, StatusCodes.Status400BadRequest, "missing MessageStatus, or both id and MessageSid");
            return TypedResults.Problem("MessageStatus is required, and the id query parameter or MessageSid.", statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            // Hung storage would hold the answer past Twilio's 15 s, unlogged until Orleans' own timeout.
            return await RecordAsync().WaitAsync(webhook.Value.AcceptTimeout, time, request.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // Twilio does not retry a status callback unless its URL carries a retry connection override; with one, a
            // 503 brings the status again once storage or the silo answers.
            var code = RetryCouldHelp(ex) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
            var outbound = string.IsNullOrWhiteSpace(id) ? $"(Twilio message {twilioSid})" : PhoneMask.MaskNumbersIn(id);
            WebhookLog.StatusNotRecorded(logger, status, outbound, code, PhoneMask.Describe(ex));
            return TypedResults.Problem("The delivery status could not be recorded.", statusCode: code);
        }

        async Task<Results<Ok, ProblemHttpResult>> RecordAsync()
        {
            var target = id;
            if (string.IsNullOrWhiteSpace(target))
            {
                target = TwilioAddress.TryParse(form["To"], webhook.Value.DefaultRegion, out _, out var phone)
                    ? await StatusCallbackTarget.FindAsync(grains, phone, twilioSid)
                    : null;
                if (target is null)
                {
                    // Acknowledged all the same: Twilio would only send it again, and nothing here could place it then either.
                    WebhookLog.StatusNotPlaced(logger, twilioSid, status);
                    return TypedResults.Ok();
                }
            }

            var errorCode = form["ErrorCode"].ToString();
            await grains.GetGrain<IOutboundSmsGrain>(target).RecordStatus(status, errorCode.Length > 0 ? errorCode : null, twilioSid.Length > 0 ? twilioSid : null);
            return TypedResults.Ok();
        }
    }

    /// <summary>
    /// A bug fails the same way every time; anything else (storage refusing or timing out, a silo going away, a write
    /// that met another) may pass when the status comes again.
    /// </summary>
    private static bool RetryCouldHelp(Exception ex) =>
        ex is not (ArgumentException or FormatException or InvalidCastException or NullReferenceException or NotSupportedException);
}
