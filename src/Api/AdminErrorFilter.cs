using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>
/// An admin call that fails inside (a grain out of reach during a failover, storage down) answers problem details
/// like every other admin error, and is logged once with its numbers masked: 503 for a timeout (try again), else 500.
/// </summary>
internal sealed class AdminErrorFilter(ILogger<AdminErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (!context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            var request = context.HttpContext.Request;
            AdminLog.Failed(logger, request.Method, PhoneMask.MaskNumbersIn(request.Path.Value) ?? "", PhoneMask.Describe(ex));
            return ex is TimeoutException
                ? TypedResults.Problem("The cluster did not answer in time; try again.", statusCode: StatusCodes.Status503ServiceUnavailable)
                : TypedResults.Problem("The admin call failed; the service log has the cause (event 4101).", statusCode: StatusCodes.Status500InternalServerError);
        }
    }
}
