using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>
/// Guards every Twilio endpoint before its handler runs: body size (413), form content (415) and a valid
/// X-Twilio-Signature (403). A refused request never reaches a grain.
/// </summary>
internal sealed class TwilioRequestFilter(IOptions<TwilioOptions> twilio, ILogger<TwilioRequestFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var path = request.Path.Value ?? "";
        if (request.ContentLength > WebhookOptions.MaxBodyBytes)
        {
            WebhookLog.Refused(logger, path, StatusCodes.Status413PayloadTooLarge, "body too large");
            return TypedResults.Problem($"The body exceeds {WebhookOptions.MaxBodyBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        if (!request.HasFormContentType)
        {
            WebhookLog.Refused(logger, path, StatusCodes.Status415UnsupportedMediaType, "not a form");
            return TypedResults.Problem("Expected application/x-www-form-urlencoded.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        IFormCollection form;
        try
        {
            form = await TwilioForm.ReadAsync(request, context.HttpContext.RequestAborted);
        }
        catch (BadHttpRequestException ex)
        {
            WebhookLog.Refused(logger, path, ex.StatusCode, "unreadable body");
            return TypedResults.Problem("The body could not be read.", statusCode: ex.StatusCode);
        }

        if (!TwilioSignature.IsValid(request, form, twilio.Value.AuthToken, twilio.Value.WebhookBaseUrl))
        {
            WebhookLog.Refused(logger, path, StatusCodes.Status403Forbidden, "missing or invalid X-Twilio-Signature");
            return TypedResults.Problem("Missing or invalid X-Twilio-Signature.", statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context);
    }
}
