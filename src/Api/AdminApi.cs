using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>Operators' view of conversations and outbound messages. Every route needs the admin key.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin").AddEndpointFilter<AdminKeyFilter>().WithTags("Admin");
        group.MapGet("/conversations/{phone}", GetConversation).WithSummary("One conversation: opt-out, inbox, current turn, recent turns with delivery status.");
        group.MapGet("/outbound/{id}", GetOutbound).WithSummary("One outbound message: attempts, errors, Twilio SID, status.");
        return group;
    }

    internal static async Task<Results<Ok<ConversationResponse>, ProblemHttpResult>> GetConversation(
        string phone, IGrainFactory grains, IOptions<WebhookOptions> webhook)
    {
        if (!E164.TryNormalize(phone, webhook.Value.DefaultRegion, out var e164))
        {
            return PhoneParameter.Invalid();
        }

        var view = await grains.GetGrain<IConversationGrain>(e164).GetView();
        var deliveries = await Task.WhenAll(view.RecentTurns.Select(async t =>
            t.OutboundId is null ? null : await grains.GetGrain<IOutboundSmsGrain>(t.OutboundId).GetView()));
        var turns = view.RecentTurns.Zip(deliveries, (t, d) => new TurnResponse(t, d?.Status, d?.TwilioSid)).ToList();
        return TypedResults.Ok(new ConversationResponse(view.Phone, view.OptedOut, view.Pending, view.CurrentTurn, turns, view.DroppedMessages));
    }

    internal static async Task<Results<Ok<OutboundView>, NotFound>> GetOutbound(string id, IGrainFactory grains)
    {
        var view = await grains.GetGrain<IOutboundSmsGrain>(id).GetView();
        return view is null ? TypedResults.NotFound() : TypedResults.Ok(view);
    }
}

public sealed record ConversationResponse(
    string Phone, bool OptedOut, IReadOnlyList<PendingMessageView> Pending, CurrentTurnView? CurrentTurn, IReadOnlyList<TurnResponse> RecentTurns, int DroppedMessages);

public sealed record TurnResponse(TurnView Turn, DeliveryStatus? Delivery, string? TwilioSid);
