using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api.DevPhone;

/// <summary>
/// Development only: a web page to text the service as any number (or email it as a registered employee) and watch the
/// replies arrive, without Twilio or SendGrid.
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

        if (string.IsNullOrWhiteSpace(message.Body))
        {
            return TypedResults.Problem("The message (body) is empty.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (message.From.Contains('@', StringComparison.Ordinal))
        {
            return await SendEmailAsync(message.From, message.Body.Trim(), grains, time);
        }

        if (!TwilioAddress.TryParse(message.From, webhook.Value.DefaultRegion, out var channel, out var phone))
        {
            return TypedResults.Problem(
                "from is not a valid phone number; use E.164 (+15550100001), whatsapp:+15550100001 or an employee's email address.",
                statusCode: StatusCodes.Status400BadRequest);
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

            if (chosen == MessageChannel.Email)
            {
                return TypedResults.Problem("To write as email, type an employee's email address as from.", statusCode: StatusCodes.Status400BadRequest);
            }

            channel = chosen;
        }

        var sms = new InboundSms($"SMDEV{Guid.NewGuid():N}", phone, "dev-phone", message.Body.Trim(), time.GetUtcNow()) { Channel = channel };
        var outcome = await grains.GetGrain<IConversationGrain>(phone).Accept(sms);
        return TypedResults.Accepted($"/dev/phone/conversation?phone={Uri.EscapeDataString(phone)}", outcome);
    }

    /// <summary>
    /// A mail from an employee's registered address, as the email webhook would take it in (after SendGrid's checks):
    /// it joins that employee's conversation and its reply goes by email (to the dev outbox unless Email:Enabled).
    /// </summary>
    private static async Task<Results<Accepted<AcceptOutcome>, ProblemHttpResult>> SendEmailAsync(string from, string body, IGrainFactory grains, TimeProvider time)
    {
        var phone = EmailAddress.TryNormalize(from, out var address) ? await grains.GetGrain<IEmployeeEmailGrain>(address).Phone() : null;
        if (phone is null)
        {
            return TypedResults.Problem(
                "No employee is registered with this email address: register one with PUT /admin/employees/{phone} and an \"email\".",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var id = Guid.NewGuid().ToString("N");
        var mail = new InboundSms($"EMDEV{id}", phone, "dev-phone", body, time.GetUtcNow())
        {
            Channel = MessageChannel.Email,
            Email = new InboundEmail(address!, "Switchboard dev phone") { MessageId = $"<{id}@dev-phone>" },
        };
        var outcome = await grains.GetGrain<IConversationGrain>(phone).Accept(mail);
        return TypedResults.Accepted($"/dev/phone/conversation?phone={Uri.EscapeDataString(address!)}", outcome);
    }

    /// <summary>The conversation of a number, or of the employee registered with an email address.</summary>
    internal static async Task<Results<Ok<ConversationView>, ProblemHttpResult>> Conversation(
        string phone, IGrainFactory grains, IOptions<WebhookOptions> webhook)
    {
        var e164 = phone.Contains('@', StringComparison.Ordinal)
            ? EmailAddress.TryNormalize(phone, out var address) ? await grains.GetGrain<IEmployeeEmailGrain>(address).Phone() : null
            : E164.TryNormalize(phone, webhook.Value.DefaultRegion, out var number) ? number : null;
        if (e164 is null)
        {
            return PhoneParameter.Invalid();
        }

        return TypedResults.Ok(await grains.GetGrain<IConversationGrain>(e164).GetView());
    }
}

/// <summary>
/// A message typed on the dev phone; <paramref name="Channel"/> (Sms or WhatsApp) defaults to what From says
/// ("whatsapp:+…" or a number); an email address as From writes as that employee by email.
/// </summary>
public sealed record DevPhoneMessage(string? From, string? Body, string? Channel = null);
