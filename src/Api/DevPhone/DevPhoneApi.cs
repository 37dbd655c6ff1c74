using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api.DevPhone;

/// <summary>
/// Development only: a web page to text the service as any number and watch the replies arrive, without Twilio.
/// Messages go straight to the conversation grain (no signature: the page is never mapped outside Development).
/// </summary>
public static class DevPhoneApi
{
    public static RouteGroupBuilder MapDevPhoneApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/dev/phone").ExcludeFromDescription();
        group.MapGet("/", () => TypedResults.Content(DevPhonePage.Html, "text/html; charset=utf-8"));
        group.MapPost("/send", Send).DisableAntiforgery();
        group.MapGet("/conversation", Conversation);
        return group;
    }

    internal static async Task<Results<Accepted<AcceptOutcome>, ProblemHttpResult>> Send(
        DevPhoneMessage message, IGrainFactory grains, IOptions<WebhookOptions> webhook, TimeProvider time)
    {
        if (!TwilioAddress.TryParse(message.From, webhook.Value.DefaultRegion, out var channel, out var phone) || string.IsNullOrWhiteSpace(message.Body))
        {
            return TypedResults.Problem("A phone number and a message are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (message.Channel is { } chosen)
        {
            channel = chosen; // the page's SMS / WhatsApp toggle
        }

        var sms = new InboundSms($"SMDEV{Guid.NewGuid():N}", phone, "dev-phone", message.Body.Trim(), time.GetUtcNow()) { Channel = channel };
        var outcome = await grains.GetGrain<IConversationGrain>(phone).Accept(sms);
        return TypedResults.Accepted($"/dev/phone/conversation?phone={Uri.EscapeDataString(phone)}", outcome);
    }

    internal static async Task<Results<Ok<ConversationView>, ProblemHttpResult>> Conversation(
        string phone, IGrainFactory grains, IOptions<WebhookOptions> webhook)
    {
        if (!E164.TryNormalize(phone, webhook.Value.DefaultRegion, out var e164))
        {
            return PhoneParameter.Invalid();
        }

        return TypedResults.Ok(await grains.GetGrain<IConversationGrain>(e164).GetView());
    }
}

/// <summary>A message typed on the dev phone; <paramref name="Channel"/> (Sms or WhatsApp) defaults to what From says ("whatsapp:+…" or a number).</summary>
public sealed record DevPhoneMessage(string From, string Body, MessageChannel? Channel = null);
