using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Switchboard.Api;

/// <summary>
/// /admin/* needs header X-Api-Key equal to Admin:ApiKey (compared in constant time), else 401. <see cref="AdminGate"/>
/// checks it before anything is bound; this filter keeps the routes closed in a host that does not install it.
/// </summary>
internal sealed class AdminKeyFilter(IOptions<AdminOptions> admin) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        return admin.Value.Accepts(context.HttpContext.Request.Headers[Header].ToString())
            ? next(context)
            : ValueTask.FromResult<object?>(Unauthorized());
    }

    public static IResult Unauthorized() =>
        TypedResults.Problem($"A valid {Header} header is required.", statusCode: StatusCodes.Status401Unauthorized);
}
