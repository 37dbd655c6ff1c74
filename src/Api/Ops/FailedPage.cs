using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts;

namespace Switchboard.Api.Ops;

/// <summary>
/// GET /ops/failed: the failed-replies index (GET /admin/outbound?state=failed), newest first, numbers masked, with a
/// resend form per reply (POST /ops/failed/resend, as POST /admin/outbound/{id}/resend). An outbound id holds the
/// number, so the form carries it sealed with ASP.NET Core data protection: the page's source shows no number either.
/// </summary>
internal static class FailedPage
{
    private const int PageSize = 50;
    private const string ProtectorPurpose = "Switchboard.Ops.OutboundId";

    public static void MapFailedPage(this RouteGroupBuilder ops)
    {
        ops.MapGet("/failed", Show);
        ops.MapPost("/failed/resend", Resend);
    }

    private static async Task<IResult> Show(
        HttpContext http, IAntiforgery antiforgery, IGrainFactory grains, IDataProtectionProvider protection, int skip = 0, string? notice = null)
    {
        skip = Math.Max(skip, 0);
        var page = new OpsPage(http, antiforgery);
        var failed = await grains.GetGrain<IFailedRepliesGrain>(IFailedRepliesGrain.Key).List(skip, PageSize);
        var message = notice == "resent"
            ? Html.Of($"""<p class="notice" role="status">Sent again as a new message: it goes out unless the person opted out.</p>""")
            : Html.Empty;
        return page.Render("Failed replies", Body(page, failed, skip, protection.CreateProtector(ProtectorPurpose), message));
    }

    private static async Task<IResult> Resend(
        [FromForm] string? reply, HttpContext http, IAntiforgery antiforgery, IGrainFactory grains, IDataProtectionProvider protection, ILogger<OpsPage> logger)
    {
        var protector = protection.CreateProtector(ProtectorPurpose);
        string id;
        try
        {
            id = protector.Unprotect(reply ?? "");
        }
        catch (CryptographicException)
        {
            return TypedResults.BadRequest(); // not a form this console wrote
        }

        var result = await OutboundResend.TryAsync(grains, id, logger);
        if (result.ResendId is not null)
        {
            return TypedResults.Redirect($"{OpsConsole.Prefix}/failed?notice=resent");
        }

        var page = new OpsPage(http, antiforgery);
        var failed = await grains.GetGrain<IFailedRepliesGrain>(IFailedRepliesGrain.Key).List(0, PageSize);
        var refusal = Html.Of($"""<p class="notice" role="alert">Not sent: {PhoneMask.MaskNumbersIn(result.Refusal)}</p>""");
        return page.Render("Failed replies", Body(page, failed, 0, protector, refusal), StatusCodes.Status409Conflict);
    }

    private static Html Body(OpsPage page, FailedRepliesPage failed, int skip, IDataProtector protector, Html message)
    {
        var rows = failed.Items.Select(r => Html.Of($"""
<tr><td class="number">{PhoneMask.Mask(r.To)}</td><td>{r.Status}</td><td class="code">{r.ErrorCode ?? "none"}</td><td>{r.Attempts}</td><td>{OpsFormat.Time(r.At)}</td>
<td>{page.Form($"{OpsConsole.Prefix}/failed/resend", Html.Of($"""<input type="hidden" name="reply" value="{protector.Protect(r.Id)}">"""), "Resend", "inline")}</td></tr>
"""));
        var older = skip + PageSize < failed.Total ? Html.Of($"""<a href="{OpsConsole.Prefix}/failed?skip={skip + PageSize}">Older</a>""") : Html.Empty;
        var newer = skip > 0 ? Html.Of($"""<a href="{OpsConsole.Prefix}/failed?skip={Math.Max(skip - PageSize, 0)}">Newer</a> """) : Html.Empty;
        var table = failed.Items.Count == 0
            ? Html.Of($"""<p class="meta">No failed replies.</p>""")
            : Html.Of($"""
<table id="failed"><thead><tr><th scope="col">number</th><th scope="col">status</th><th scope="col">error code</th><th scope="col">attempts</th><th scope="col">failed at</th><th scope="col"><span class="meta">action</span></th></tr></thead>
<tbody>{rows}</tbody></table>
""");
        return Html.Of($"""
<section>
<h2>Failed replies, newest first</h2>
{message}
<p class="meta">{failed.Total} in the list (the last {IFailedRepliesGrain.Kept} failures are kept). A resend is a new message linked to the failed one.</p>
{table}
<p>{newer}{older}</p>
</section>
""");
    }
}
