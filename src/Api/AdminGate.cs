using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Api.Ops;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>
/// The first step of every request to the HTTP surface, before any parameter is bound:
/// (1) /admin/* without the admin key is 401, whatever its body or query (binding would otherwise answer 400 or 415
/// first, and in Development show the request's headers, key included);
/// (2) a request the framework cannot bind (unreadable JSON, a query value of the wrong type) is problem details saying
/// what is wrong, in every environment, logged at Debug: a client's mistake, not an error;
/// (3) an admin request the framework refuses with an empty answer (routing's 415 for a body that is not JSON, 405, 404)
/// gets problem details too.
/// Binding failures are thrown for this in every environment (RouteHandlerOptions.ThrowOnBadRequest, set by
/// AddSwitchboardApi), so the developer exception page never sees them.
/// </summary>
internal sealed class AdminGate(RequestDelegate next, IOptions<AdminOptions> admin, ILogger<AdminGate> logger)
{
    public const string Prefix = "/admin";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (IsAdmin(request) && !admin.Value.Accepts(request.Headers[AdminKeyFilter.Header].ToString()))
        {
            AdminLog.Refused(logger, request.Method, Masked(request.Path), StatusCodes.Status401Unauthorized, "no valid admin key");
            await AdminKeyFilter.Unauthorized().ExecuteAsync(context);
            return;
        }

        try
        {
            await next(context);
            if (IsAdmin(request) && context.Response is { HasStarted: false, StatusCode: >= 400, ContentType: null, ContentLength: null } response)
            {
                AdminLog.Refused(logger, request.Method, Masked(request.Path), response.StatusCode, "refused by routing");
                await TypedResults.Problem(EmptyAnswerDetail(response.StatusCode), statusCode: response.StatusCode).ExecuteAsync(context);
            }
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var detail = ex.InnerException is JsonException json ? $"{ex.Message} {json.Message}" : ex.Message;
            AdminLog.Refused(logger, request.Method, Masked(request.Path), ex.StatusCode, detail);
            context.Response.Clear();
            await TypedResults.Problem(PhoneMask.MaskNumbersIn(detail), statusCode: ex.StatusCode).ExecuteAsync(context);
        }
    }

    private static bool IsAdmin(HttpRequest request) => request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);

    private static string EmptyAnswerDetail(int status) => status switch
    {
        StatusCodes.Status415UnsupportedMediaType => "The body must be JSON (Content-Type: application/json).",
        StatusCodes.Status405MethodNotAllowed => "This admin route does not take this method; see /openapi/v1.json.",
        StatusCodes.Status404NotFound => "No admin route has this path; see /openapi/v1.json.",
        _ => ReasonPhrases.GetReasonPhrase(status),
    };

    private static string Masked(PathString path) => PhoneMask.MaskNumbersIn(path.Value) ?? "";
}

public static class AdminGateExtensions
{
    /// <summary>
    /// Installs <see cref="AdminGate"/>, then the operator console's sessions and anti-forgery checks: call it early,
    /// before anything that reads the request's body.
    /// </summary>
    public static IApplicationBuilder UseSwitchboardApi(this IApplicationBuilder app) => app.UseMiddleware<AdminGate>().UseOpsConsole();
}
