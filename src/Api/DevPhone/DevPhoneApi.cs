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
        if (string.IsNullOrWhiteSpace(message.From) || message.Body is null)
        {
            return TypedResults.Problem("A phone number (from) and a message (body) are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!TwilioAddress.TryParse(message.From, webhook.Value.DefaultRegion, out var channel, out var phone))
        {
            return TypedResults.Problem(
                "from is not a valid phone number; use E.164 (+15550100001) or whatsapp:+15550100001.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (string.IsNullOrWhiteSpace(message.Body))
        {
            return TypedResults.Problem("The message (body) is empty.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (message.Channel is { } named)
        {
            // The page's SMS / WhatsApp toggle. Read here rather than by the JSON reader, so that a wrong name is a
            // 400 naming the channels instead of a binding failure.
            if (!Enum.TryParse<MessageChannel>(named, ignoreCase: true, out var chosen) || !Enum.IsDefined(chosen) || int.TryParse(named, out _))
            {
                return TypedResults.Problem(
                    $"channel must be one of: {string.Join(", ", Enum.GetNames<MessageChannel>())}.", statusCode: StatusCodes.Status400BadRequest);
            }

            channel = chosen;
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
public sealed record DevPhoneMessage(string? From, string? Body, string? Channel = null);
