using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api.Email;

/// <summary>
/// Guards /email/inbound before its handler runs: the channel is on (404 otherwise), SendGrid's Basic credentials
/// (401 with a challenge otherwise), a multipart form (415). A refused request never reaches a grain.
/// </summary>
internal sealed class EmailInboundFilter(IOptions<EmailOptions> email, ILogger<EmailLog> logger) : IEndpointFilter
{
    private const string Challenge = "Basic realm=\"Switchboard email\"";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var (request, options) = (context.HttpContext.Request, email.Value);
        var path = request.Path.Value ?? "";
        if (!options.Enabled)
        {
            EmailLog.Refused(logger, path, StatusCodes.Status404NotFound, "the email channel is off (Email:Enabled)");
            return TypedResults.Problem("The email channel is off.", statusCode: StatusCodes.Status404NotFound);
        }

        if (!BasicCredentials.Presents(request, options.InboundUsername, options.InboundPassword))
        {
            EmailLog.Refused(logger, path, StatusCodes.Status401Unauthorized, "missing or wrong Basic credentials");
            context.HttpContext.Response.Headers.WWWAuthenticate = Challenge;
            return TypedResults.Problem("Basic credentials required.", statusCode: StatusCodes.Status401Unauthorized);
        }

        if (!request.HasFormContentType)
        {
            EmailLog.Refused(logger, path, StatusCodes.Status415UnsupportedMediaType, "not a form");
            return TypedResults.Problem("Expected multipart/form-data.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        return await next(context);
    }
}
