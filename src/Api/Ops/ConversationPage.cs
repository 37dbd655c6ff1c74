using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api.Ops;

/// <summary>
/// GET /ops/conversations/{phone}: what GET /admin/conversations/{phone} answers, for reading: the inbox, the turn in
/// progress, the recent turns newest first with their steps and the delivery of their replies, each turn's trace.
/// POST /ops/conversations/{phone}/erase erases it (a ticked confirmation required). The operator typed this number,
/// so it is shown in full here; Twilio's error texts, which quote it, are masked like everywhere else.
/// </summary>
internal static class ConversationPage
{
    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["erased"] = "Erased: the stored messages, turns and reply texts of this number are gone (its opt-out and timesheet stay).",
        ["confirm"] = "Nothing erased: tick the box to confirm.",
    };

    public static void MapConversationPage(this RouteGroupBuilder ops)
    {
        ops.MapGet("/conversations/{phone}", Show);
        ops.MapPost("/conversations/{phone}/erase", Erase);
    }

    private static async Task<IResult> Show(
        string phone, HttpContext http, IAntiforgery antiforgery, IGrainFactory grains, IOptions<WebhookOptions> webhook, IOptions<OpsOptions> ops, string? notice = null)
    {
        var page = new OpsPage(http, antiforgery);
        if (!E164.TryNormalize(phone, webhook.Value.DefaultRegion, out var e164))
        {
            return page.Render("Not a phone number", Html.Of($"""<section><p class="notice" role="alert">That is not a phone number: use E.164 (+15550100001).</p></section>"""), StatusCodes.Status400BadRequest);
        }

        var conversation = await ConversationRead.ReadAsync(grains, e164);
        var message = notice is not null && Notices.TryGetValue(notice, out var text) ? Html.Of($"""<p class="notice" role="status">{text}</p>""") : Html.Empty;
        var body = Html.Of($"""
<section>
<h2>Conversation with {e164}</h2>
{message}
<p class="meta">{(conversation.OptedOut ? "Opted out: nothing is sent to this number." : "Opted in.")} Last wrote on {conversation.LastChannel}.{(conversation.DroppedMessages > 0 ? $" {conversation.DroppedMessages} message(s) dropped (inbox full)." : "")}</p>
</section>
{Inbox(conversation)}
{Turns(conversation, ops.Value)}
<section>
<h2>Erase</h2>
{page.Form(
    $"{OpsConsole.Prefix}/conversations/{Uri.EscapeDataString(e164)}/erase",
    Html.Of($"""<p><input id="confirm" name="confirm" type="checkbox" value="yes" required> <label for="confirm">Yes, erase this number's stored messages, turns and reply texts (its opt-out and timesheet stay)</label></p>"""),
    "Erase conversation")}
</section>
""");
        return page.Render($"Conversation {PhoneMask.Mask(e164)}", body);
    }

    private static async Task<IResult> Erase(
        string phone, [FromForm] string? confirm, IGrainFactory grains, IOptions<WebhookOptions> webhook, ILogger<OpsPage> logger)
    {
        if (!E164.TryNormalize(phone, webhook.Value.DefaultRegion, out var e164))
        {
            return TypedResults.BadRequest();
        }

        var page = $"{OpsConsole.Prefix}/conversations/{Uri.EscapeDataString(e164)}";
        if (confirm != "yes")
        {
            return TypedResults.Redirect($"{page}?notice=confirm");
        }

        await ConversationErasure.EraseAsync(grains, e164, logger);
        return TypedResults.Redirect($"{page}?notice=erased");
    }

    private static Html Inbox(ConversationResponse conversation)
    {
        var current = conversation.CurrentTurn;
        var progress = current is null
            ? Html.Of($"""<p class="meta">No turn is running.</p>""")
            : Html.Of($"""
<p id="current-turn">Answering {current.MessageSid}: step {current.StepIndex + 1}, <strong>{current.Step}</strong>, attempt {current.StepAttempt}; turn started {OpsFormat.Time(current.StartedAt)}.</p>
""");
        var rows = conversation.Pending.Select(m => Html.Of($"""
<tr><td>{OpsFormat.Time(m.ReceivedAt)}</td><td>{m.Channel}</td><td>{m.Body}</td><td>{(current?.MessageSid == m.MessageSid ? "being answered" : "waiting")}</td></tr>
"""));
        var table = conversation.Pending.Count == 0
            ? Html.Of($"""<p class="meta">The inbox is empty.</p>""")
            : Html.Of($"""<table><caption class="meta">Messages waiting, oldest first</caption><thead><tr><th scope="col">received</th><th scope="col">channel</th><th scope="col">text</th><th scope="col">state</th></tr></thead><tbody>{rows}</tbody></table>""");
        return Html.Of($"""<section aria-labelledby="inbox"><h2 id="inbox">Inbox and current turn</h2>{progress}{table}</section>""");
    }

    private static Html Turns(ConversationResponse conversation, OpsOptions ops)
    {
        var turns = conversation.RecentTurns.OrderByDescending(t => t.Turn.ReceivedAt).Select(t => Turn(t, ops)).ToList();
        var list = turns.Count == 0 ? Html.Of($"""<p class="meta">No turns recorded.</p>""") : Html.Join(turns);
        return Html.Of($"""<section aria-labelledby="turns"><h2 id="turns">Recent turns, newest first</h2>{list}</section>""");
    }

    private static Html Turn(TurnResponse response, OpsOptions ops)
    {
        var turn = response.Turn;
        var steps = turn.Steps.Select(s => Html.Of($"""<tr><td>{s.Step}</td><td>{OpsFormat.Duration(s.Milliseconds)}</td><td>{s.Attempts}</td></tr>"""));
        var stepTable = turn.Steps.Count == 0
            ? Html.Of($"""<p class="meta">No agent steps ran.</p>""")
            : Html.Of($"""<table class="steps"><caption class="meta">Steps</caption><thead><tr><th scope="col">step</th><th scope="col">time</th><th scope="col">attempts</th></tr></thead><tbody>{steps}</tbody></table>""");
        var reply = turn.Reply is { } text ? Html.Of($"""<div class="bubble out">{text}</div>""") : Html.Empty;
        var error = turn.Error is { } e ? Html.Of($"""<p class="error">{PhoneMask.MaskNumbersIn(e)}</p>""") : Html.Empty;
        return Html.Of($"""
<article class="turn" data-message-sid="{turn.MessageSid}">
<h3>{OpsFormat.Time(turn.ReceivedAt)} · {turn.Channel} · <span class="outcome">{turn.Outcome}</span></h3>
<div class="bubble in">{turn.Inbound}</div>
{reply}
{error}
{stepTable}
{Delivery(response)}
<p class="meta">Message {turn.MessageSid}; finished {OpsFormat.Time(turn.CompletedAt)}; trace {Trace(turn.TraceId, ops)}</p>
</article>
""");
    }

    private static Html Delivery(TurnResponse response) => response.DeliveryState is not { } state
        ? Html.Of($"""<p class="delivery meta">No reply was handed over.</p>""")
        : Html.Of($"""
<p class="delivery">Delivery: <strong>{state}</strong>{(response.ErrorCode is { } code ? $", error {code}" : "")}{(response.TwilioSid is { } sid ? $", Twilio SID {sid}" : "")}, {response.Attempts} attempt(s)</p>
""");

    private static Html Trace(string? traceId, OpsOptions ops) => traceId switch
    {
        null => Html.Text("none"),
        _ when ops.TraceLink(traceId) is { } link => Html.Of($"""<a href="{link}" class="trace">{traceId}</a>"""),
        _ => Html.Of($"""<code class="trace">{traceId}</code>"""),
    };
}
