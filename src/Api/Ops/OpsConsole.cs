using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Contracts;

namespace Switchboard.Api.Ops;

/// <summary>
/// The operator console under /ops: server-rendered pages, no scripts or styles from elsewhere. The admin key opens a
/// cookie session (HttpOnly, SameSite=Strict, Secure outside Development, sliding expiry); every form post carries
/// ASP.NET Core's anti-forgery token, and one without it is refused (400) before its handler runs.
/// </summary>
public static class OpsConsole
{
    public const string Prefix = "/ops";
    public const string Scheme = "SwitchboardOps";
    public const string LoginPath = Prefix + "/login";

    /// <summary>Idle time after which a session ends; each request within it moves the end on (sliding).</summary>
    public static readonly TimeSpan SessionIdle = TimeSpan.FromMinutes(30);

    private const string Policy = "SwitchboardOperator";

    public static IServiceCollection AddOpsConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<OpsOptions>(configuration, OpsOptions.Section);
        services.AddAuthentication(Scheme).AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "switchboard-ops";
            o.Cookie.Path = Prefix;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = SessionIdle;
            o.SlidingExpiration = true;
            o.LoginPath = LoginPath;
            o.LogoutPath = Prefix + "/logout";
            o.AccessDeniedPath = LoginPath;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "switchboard-ops-form";
            o.Cookie.Path = Prefix;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });

        // Secure cookies outside Development: a session or form cookie never travels over plain HTTP there.
        services.AddOptions<CookieAuthenticationOptions>(Scheme).Configure<IHostEnvironment>((o, env) => o.Cookie.SecurePolicy = SecurePolicy(env));
        services.AddOptions<AntiforgeryOptions>().Configure<IHostEnvironment>((o, env) => o.Cookie.SecurePolicy = SecurePolicy(env));
        return services;
    }

    /// <summary>Sessions and anti-forgery checks for /ops; after <see cref="AdminGateExtensions.UseSwitchboardApi"/>.</summary>
    public static IApplicationBuilder UseOpsConsole(this IApplicationBuilder app) =>
        app.UseAuthentication().UseAuthorization().UseAntiforgery();

    public static RouteGroupBuilder MapOpsConsole(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Prefix).ExcludeFromDescription().RequireAuthorization(Policy);

        // The pages show people's texts: no browser or proxy keeps a copy. Written as the anti-forgery tokens would
        // write it on a page with a form, so that they find nothing to override (and warn about).
        group.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-cache, no-store";
            context.HttpContext.Response.Headers.Pragma = "no-cache";
            return await next(context);
        });
        group.MapLoginPage();
        group.MapOverviewPage();
        group.MapConversationPage();
        group.MapFailedPage();
        return group;
    }

    private static CookieSecurePolicy SecurePolicy(IHostEnvironment env) =>
        env.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
}
