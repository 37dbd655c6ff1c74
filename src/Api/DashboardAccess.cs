using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Switchboard.Api;

/// <summary>
/// The Orleans dashboard, served by each silo and by the stand-alone front end, has no login of its own. Outside
/// Development it asks for HTTP Basic credentials whose password is Admin:ApiKey (any user name); browsers remember
/// them for the dashboard's own data requests.
/// </summary>
public static class DashboardAccess
{
    public const string RoutePrefix = "/dashboard";

    public static IApplicationBuilder UseDashboardAccess(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            return app;
        }

        var admin = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value;
        return app.UseWhen(
            context => context.Request.Path.StartsWithSegments(RoutePrefix),
            branch => branch.Use(async (context, next) =>
            {
                if (HasPassword(context.Request, admin))
                {
                    await next(context);
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"Switchboard dashboard\"";
            }));
    }

    private static bool HasPassword(HttpRequest request, AdminOptions admin)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return false;
        }

        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var password = credentials[(credentials.IndexOf(':') + 1)..];
            return admin.Accepts(password);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
