using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Switchboard.Api.Ops;

/// <summary>
/// The frame every console page shares (the dev phone's look: one self-contained page, no external assets) and its
/// forms, each with the request's anti-forgery token.
/// </summary>
internal sealed class OpsPage(HttpContext http, IAntiforgery antiforgery)
{
    private AntiforgeryTokenSet? _tokens;

    /// <summary>A form posting to <paramref name="action"/> with the anti-forgery token, <paramref name="fields"/> and one submit button.</summary>
    public Html Form(string action, Html fields, string button, string cssClass = "")
    {
        _tokens ??= antiforgery.GetAndStoreTokens(http);
        return Html.Of($"""<form method="post" action="{action}" class="{cssClass}"><input type="hidden" name="{_tokens.FormFieldName}" value="{_tokens.RequestToken}">{fields}<button type="submit">{button}</button></form>""");
    }

    public ContentHttpResult Render(string title, Html body, int statusCode = StatusCodes.Status200OK, Html script = default)
    {
        var signedIn = http.User.Identity?.IsAuthenticated == true;
        var navigation = signedIn
            ? Html.Of($"""<nav aria-label="console"><a href="{OpsConsole.Prefix}">Overview</a> · <a href="{OpsConsole.Prefix}/failed">Failed replies</a></nav>{Form(OpsConsole.Prefix + "/logout", Html.Empty, "Log out")}""")
            : Html.Empty;
        var page = Html.Of($$"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} - Switchboard operator console</title>
<style>
  body { font-family: system-ui, sans-serif; background: #eef1f5; margin: 0; display: flex; justify-content: center; }
  main { width: 1000px; max-width: 100%; background: #fff; min-height: 100vh; }
  header { padding: 12px 16px; background: #1f3b57; color: #fff; display: flex; align-items: center; gap: 16px; flex-wrap: wrap; }
  header h1 { font-size: 16px; margin: 0; flex: 1; }
  header a, header button { color: #fff; font-size: 14px; }
  header form { margin: 0; }
  header button { background: none; border: 1px solid #fff; border-radius: 4px; padding: 4px 10px; cursor: pointer; }
  section { padding: 8px 16px; }
  h2 { font-size: 15px; margin: 16px 0 8px; }
  h3 { font-size: 14px; margin: 12px 0 6px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
  .bubble { padding: 8px 12px; border-radius: 14px; margin: 4px 0; white-space: pre-wrap; max-width: 80%; width: fit-content; }
  .in { background: #2b7cd3; color: #fff; margin-left: auto; }
  .out { background: #e4e7eb; }
  .turn { border: 1px solid #e4e7eb; border-radius: 8px; padding: 8px 12px; margin: 10px 0; }
  .meta { font-size: 12px; color: #555; }
  .figures { display: flex; gap: 12px; flex-wrap: wrap; padding: 0; margin: 0; list-style: none; }
  .figures li { background: #eef1f5; border-radius: 8px; padding: 10px 14px; min-width: 140px; }
  .figures strong { display: block; font-size: 22px; }
  .notice { background: #fff6d6; border: 1px solid #e8d27a; border-radius: 6px; padding: 8px 12px; }
  .error { color: #a33; }
  form.inline { display: inline; margin: 0; }
  input[type=text], input[type=password], input[type=search] { padding: 6px; min-width: 240px; }
  button { padding: 6px 12px; }
  :focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<header><h1>Switchboard operator console</h1>{{navigation}}</header>
{{body}}
</main>
{{script}}
</body>
</html>
""");
        return TypedResults.Content(page.Value, "text/html; charset=utf-8", statusCode: statusCode);
    }
}
