using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Api;

/// <summary>
/// The Orleans dashboard, served by each silo and by the stand-alone front end, has no login of its own. Open in
/// Development; elsewhere it is off (404) unless Dashboard:Username and Dashboard:Password are set, and then it asks
/// for exactly those Basic credentials (browsers remember them for the dashboard's own data requests). The admin key
/// never opens it: holding it is not the same as being allowed to read people's texts.
/// </summary>
public static partial class DashboardAccess
{
    public const string RoutePrefix = "/dashboard";

    private const string Realm = "Basic realm=\"Switchboard dashboard\"";

    public static IApplicationBuilder UseDashboardAccess(this WebApplication app)
    {
        var open = app.Environment.IsDevelopment();
        var credentials = app.Services.GetRequiredService<IOptions<DashboardAccessOptions>>().Value;
        if (!open && !credentials.IsSet)
        {
            Off(app.Logger);
        }

        return app.UseWhen(
            context => context.Request.Path.StartsWithSegments(RoutePrefix),
            branch => branch.Use(async (context, next) =>
            {
                // Its pages and data carry grain state: no browser or proxy keeps a copy. Set as the answer starts, so
                // the dashboard's own caching headers for its scripts do not win.
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.CacheControl = "no-store";
                    return Task.CompletedTask;
                });

                if (open || (credentials.IsSet && Presents(context.Request, credentials)))
                {
                    await next(context);
                }
                else if (!credentials.IsSet)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = Realm;
                }
            }));
    }

    private static bool Presents(HttpRequest request, DashboardAccessOptions credentials) =>
        BasicCredentials.Presents(request, credentials.Username, credentials.Password);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "The dashboard is off: outside Development it is served only with Dashboard:Username and Dashboard:Password set")]
    private static partial void Off(ILogger logger);
}
