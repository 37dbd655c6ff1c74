using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api.Email;

/// <summary>
/// POST /email/inbound: SendGrid's Inbound Parse webhook. A mail from an employee's registered address joins that
/// person's conversation (same inbox, order, dedupe and timesheet as their texts) and is answered by email. An address
/// not in the directory, or one its domain does not vouch for (SPF, DKIM), is acknowledged and not answered: a reply
/// would go to whoever the forged or mistaken address belongs to.
/// </summary>
public static class EmailInboundApi
{
    /// <summary>SendGrid posts mails up to 30 MB, attachments included; the attachments are not read.</summary>
    public const long MaxBodyBytes = 30L * 1024 * 1024;

    public static RouteGroupBuilder MapEmailInboundApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/email")
            .AddEndpointFilter<EmailInboundFilter>()
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .DisableAntiforgery()
            .WithTags("Email");
        group.MapPost("/inbound", Receive)
            .WithSummary("SendGrid Inbound Parse webhook (Basic credentials Email:InboundUsername/Email:InboundPassword): a registered employee's mail joins their conversation.");
        return group;
    }

    internal static async Task<Results<Ok, ProblemHttpResult>> Receive(
        HttpRequest request, IGrainFactory grains, StorageWatch storage, IOptions<WebhookOptions> webhook, TimeProvider time, ILogger<EmailLog> logger)
    {
        var mail = InboundParseMail.Read(await request.ReadFormAsync(request.HttpContext.RequestAborted));
        if (mail.Sender is null || !mail.Authenticated)
        {
            EmailMetrics.Unauthenticated.Add(1);
            EmailLog.Ignored(logger, mail.DedupeId, mail.Sender is null ? "no sender address" : "neither SPF nor DKIM vouches for the sender");
            return TypedResults.Ok();
        }

        string? phone = null;
        if (storage.IsDown)
        {
            // SendGrid delivers a mail again after a 5xx, for up to three days.
            return Unavailable("grain storage does not answer");
        }

        try
        {
            phone = await grains.GetGrain<IEmployeeEmailGrain>(mail.Sender).Phone().WaitAsync(webhook.Value.AcceptTimeout, time, request.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            EmailLog.LookupFailed(logger, mail.DedupeId, PhoneMask.Describe(ex));
            return TypedResults.Problem("The mail could not be accepted; please retry.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (phone is null)
        {
            EmailMetrics.UnknownSender.Add(1);
            EmailLog.Ignored(logger, mail.DedupeId, "no employee is registered with the sender's address");
            return TypedResults.Ok();
        }

        var message = new InboundSms(mail.DedupeId, phone, mail.Recipient, mail.Text.Length > InboundSms.MaxBodyLength ? mail.Text[..InboundSms.MaxBodyLength] : mail.Text, time.GetUtcNow())
        {
            Channel = MessageChannel.Email,
            Email = new InboundEmail(mail.Sender, mail.Subject) { MessageId = mail.MessageId, References = mail.References },
            TraceParent = SwitchboardTracing.CurrentTraceParent(), // the turn is traced under this request
        };
        if (await ConversationHandOff.TryAsync(grains, message, webhook.Value, time, request.HttpContext.RequestAborted) is { } failed)
        {
            return Unavailable(failed);
        }

        return TypedResults.Ok();

        ProblemHttpResult Unavailable(string error)
        {
            EmailLog.HandOffFailed(logger, PhoneMask.Mask(phone), mail.DedupeId, error);
            return TypedResults.Problem("The mail could not be accepted; please retry.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
