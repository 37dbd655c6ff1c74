using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>Operators' view of conversations and outbound messages. Every route needs the admin key.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin").WithAdminConventions();
        group.MapGet("/conversations/{phone}", GetConversation).WithSummary("One conversation: opt-out, inbox, current turn, recent turns with delivery status.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapDelete("/conversations/{phone}", EraseConversation).WithSummary("Erases the number's stored messages, turns and reply texts (opt-out and timesheet stay).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/outbound/{id}", GetOutbound).WithSummary("One outbound message: attempts, errors, Twilio SID, status.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/outbound", ListOutbound).WithSummary("Failed, rejected and given-up messages, newest first (state=failed), paged with skip and take.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/outbound/{id}/resend", Resend).WithSummary("Sends a message again as a new outbound message linked to the old one (opt-out respected).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapSummaryApi();
        return group;
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> EraseConversation(
        string phone, IGrainFactory grains, IOptions<WebhookOptions> webhook, ILogger<AdminErrorFilter> logger)
    {
        if (!E164.TryNormalize(phone, webhook.Value.DefaultRegion, out var e164))
        {
            return PhoneParameter.Invalid();
        }

        await ConversationErasure.EraseAsync(grains, e164, logger);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<FailedRepliesPage>, ProblemHttpResult>> ListOutbound(
        IGrainFactory grains, string? state = null, int skip = 0, int take = 50)
    {
        if (state != "failed")
        {
            return TypedResults.Problem("Only state=failed is listed (failed, rejected and given-up messages).", statusCode: StatusCodes.Status400BadRequest);
        }

        if (skip < 0 || take is < 1 or > 500)
        {
            return TypedResults.Problem("skip must be 0 or more and take from 1 to 500.", statusCode: StatusCodes.Status400BadRequest);
        }

        return TypedResults.Ok(await grains.GetGrain<IFailedRepliesGrain>(IFailedRepliesGrain.Key).List(skip, take));
    }

    internal static async Task<Results<Accepted<ResendResponse>, ProblemHttpResult>> Resend(string id, IGrainFactory grains, ILogger<AdminErrorFilter> logger)
    {
        var result = await OutboundResend.TryAsync(grains, id, logger);
        if (result.ResendId is not { } resendId)
        {
            return TypedResults.Problem(result.Refusal, statusCode: result.Found ? StatusCodes.Status409Conflict : StatusCodes.Status404NotFound);
        }

        return TypedResults.Accepted($"/admin/outbound/{Uri.EscapeDataString(resendId)}", new ResendResponse(resendId, id));
    }

    internal static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> GetConversation(
        string phone, IGrainFactory grains, IOptions<WebhookOptions> webhook)
    {
        if (!E164.TryNormalize(phone, webhook.Value.DefaultRegion, out var e164))
        {
            return PhoneParameter.Invalid();
        }

        return TypedResults.Ok(await ConversationRead.ReadAsync(grains, e164));
    }

    internal static async Task<Results<Ok<OutboundView>, ProblemHttpResult>> GetOutbound(string id, IGrainFactory grains)
    {
        var view = await grains.GetGrain<IOutboundSmsGrain>(id).GetView();
        return view is null ? NoSuchOutbound() : TypedResults.Ok(view);
    }

    private static ProblemHttpResult NoSuchOutbound() =>
        TypedResults.Problem("No outbound message has this id.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>What every admin group shares: the key (401), problem details for failures inside, the OpenAPI tag and 401.</summary>
    internal static RouteGroupBuilder WithAdminConventions(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<AdminKeyFilter>().AddEndpointFilter<AdminErrorFilter>().WithTags("Admin")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return group;
    }
}

public sealed record ConversationResponse(
    string Phone, bool OptedOut, IReadOnlyList<PendingMessageView> Pending, CurrentTurnView? CurrentTurn, IReadOnlyList<TurnResponse> RecentTurns, int DroppedMessages)
{
    /// <summary>The channel the person last wrote on (reminders go there).</summary>
    public MessageChannel LastChannel { get; init; }

    /// <summary>When their last WhatsApp message came: WhatsApp's 24-hour window runs from here.</summary>
    public DateTimeOffset? LastWhatsAppAt { get; init; }
}

/// <summary>A turn with the delivery of its reply: the same facts as GET /admin/outbound/{id}.</summary>
public sealed record TurnResponse(TurnView Turn, DeliveryStatus? Delivery, string? TwilioSid)
{
    /// <summary>pending, retrying, accepted, sent, delivered, undelivered, rejected, gaveUp, suppressed or notSent; null without a reply.</summary>
    public string? DeliveryState { get; init; }

    public string? ErrorCode { get; init; }

    public int? Attempts { get; init; }

    public static TurnResponse Of(TurnView turn, OutboundView? reply) => new(turn, reply?.Status, reply?.TwilioSid)
    {
        DeliveryState = reply switch
        {
            null => null,
            { Status: DeliveryStatus.Pending, Attempts.Count: > 0 } => "retrying",
            _ => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(reply.Status.ToString()),
        },
        ErrorCode = reply?.ErrorCode,
        Attempts = reply?.Attempts.Count,
    };
}

public sealed record ResendResponse(string Id, string ResendOf);
