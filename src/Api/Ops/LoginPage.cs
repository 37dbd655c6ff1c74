using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Switchboard.Api.Ops;

/// <summary>GET /ops/login (the form), POST /ops/login (the admin key opens a session), POST /ops/logout.</summary>
internal static class LoginPage
{
    public static void MapLoginPage(this RouteGroupBuilder ops)
    {
        ops.MapGet("/login", Show).AllowAnonymous();
        ops.MapPost("/login", LogIn).AllowAnonymous();
        ops.MapPost("/logout", LogOut);
    }

    private static IResult Show(HttpContext http, IAntiforgery antiforgery, string? returnUrl = null) =>
        http.User.Identity?.IsAuthenticated == true
            ? TypedResults.Redirect(Local(returnUrl))
            : Render(new OpsPage(http, antiforgery), returnUrl, refused: false);

    private static async Task<IResult> LogIn(
        [FromForm] string? key, [FromForm] string? returnUrl, HttpContext http, IAntiforgery antiforgery, IOptions<AdminOptions> admin, ILogger<OpsPage> logger)
    {
        if (!admin.Value.Accepts(key ?? ""))
        {
            OpsLog.LoginRefused(logger);
            return Render(new OpsPage(http, antiforgery), returnUrl, refused: true);
        }

        var operatorIdentity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], OpsConsole.Scheme);
        await http.SignInAsync(OpsConsole.Scheme, new ClaimsPrincipal(operatorIdentity), new AuthenticationProperties { IsPersistent = false });
        OpsLog.LoggedIn(logger);
        return TypedResults.Redirect(Local(returnUrl));
    }

    /// <remarks>The form is read (and so its anti-forgery token checked) although it carries nothing else.</remarks>
    private static async Task<IResult> LogOut(IFormCollection form, HttpContext http, ILogger<OpsPage> logger)
    {
        await http.SignOutAsync(OpsConsole.Scheme);
        OpsLog.LoggedOut(logger);
        return TypedResults.Redirect(OpsConsole.LoginPath);
    }

    private static IResult Render(OpsPage page, string? returnUrl, bool refused)
    {
        var error = refused ? Html.Of($"""<p class="error" role="alert">That is not the admin key.</p>""") : Html.Empty;
        var fields = Html.Of($"""
<p><label for="key">Admin key</label><br><input id="key" name="key" type="password" autocomplete="current-password" required autofocus></p>
<input type="hidden" name="returnUrl" value="{Local(returnUrl)}">
""");
        var body = Html.Of($"""<section><h2>Log in</h2>{error}{page.Form(OpsConsole.LoginPath, fields, "Log in")}</section>""");
        return page.Render("Log in", body, refused ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK);
    }

    /// <summary>Where to go after logging in: a console page, never another site (an open redirect).</summary>
    private static string Local(string? returnUrl) =>
        returnUrl is { } url && url.StartsWith(OpsConsole.Prefix, StringComparison.Ordinal) && !url.Contains('\\') ? url : OpsConsole.Prefix;
}
