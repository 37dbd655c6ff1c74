using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api.Ops;

/// <summary>
/// GET /ops: the cluster at a glance (the figures of GET /admin/summary, refreshed by the page every few seconds from
/// GET /ops/figures) and a search box for a number (GET /ops/conversations?phone=…).
/// </summary>
internal static class OverviewPage
{
    public static void MapOverviewPage(this RouteGroupBuilder ops)
    {
        ops.MapGet("/", Show);
        ops.MapGet("/figures", async (IGrainFactory grains, TimeProvider time) => TypedResults.Content((await FiguresAsync(grains, time)).Value, "text/html; charset=utf-8"));
        ops.MapGet("/conversations", Search);
    }

    private static async Task<IResult> Show(HttpContext http, IAntiforgery antiforgery, IGrainFactory grains, TimeProvider time, string? notice = null)
    {
        var message = notice == "not-a-number"
            ? Html.Of($"""<p class="notice" role="alert">That is not a phone number: type it in E.164 (+15550100001) or with the default region's format.</p>""")
            : Html.Empty;
        var figures = await FiguresAsync(grains, time);
        var body = Html.Of($"""
<section>
<h2>Find a conversation</h2>
{message}
<form method="get" action="{OpsConsole.Prefix}/conversations" role="search">
<label for="phone">Phone number</label>
<input id="phone" name="phone" type="search" placeholder="+15550100001" autocomplete="off" required>
<button type="submit">Open</button>
</form>
</section>
<section>
<h2>Now</h2>
{figures}
</section>
""");
        // Refreshes the figures only (never the page, which would wipe a number being typed); a lapsed session reloads
        // the page, which then leads to the login.
        var script = Html.Of($$"""
<script>
setInterval(async () => {
  const response = await fetch('{{OpsConsole.Prefix}}/figures', { credentials: 'same-origin' });
  if (response.redirected || !response.ok) { location.reload(); return; }
  document.getElementById('figures').outerHTML = await response.text();
}, 5000);
</script>
""");
        return new OpsPage(http, antiforgery).Render("Overview", body, script: script);
    }

    private static IResult Search(string? phone, IOptions<WebhookOptions> webhook) =>
        E164.TryNormalize(phone, webhook.Value.DefaultRegion, out var e164)
            ? TypedResults.Redirect($"{OpsConsole.Prefix}/conversations/{Uri.EscapeDataString(e164)}")
            : TypedResults.Redirect($"{OpsConsole.Prefix}?notice=not-a-number");

    private static async Task<Html> FiguresAsync(IGrainFactory grains, TimeProvider time)
    {
        var summary = await SummaryApi.ReadAsync(grains, time);
        var counted = summary.CountedAt is { } at ? $"counted {OpsFormat.Time(at)}, {summary.SilosReporting} silo(s) reporting" : "no silo has reported yet";
        return Html.Of($"""
<div id="figures" aria-live="polite">
<ul class="figures">
<li><strong>{summary.ActiveConversations}</strong>active conversations</li>
<li><strong>{summary.TurnsLastMinute}</strong>turns in the last minute</li>
<li><strong>{summary.TurnsInFlight}</strong>turns in flight</li>
<li><strong>{summary.RepliesRetrying}</strong>replies retrying</li>
<li><strong>{summary.FailedRepliesLast24h}</strong><a href="{OpsConsole.Prefix}/failed">failed replies</a> (24 h)</li>
<li><strong>{summary.OptedOutNumbers}</strong>opted-out numbers</li>
</ul>
<p class="meta">{counted}; page as of {OpsFormat.Time(summary.At)}</p>
</div>
""");
    }
}
