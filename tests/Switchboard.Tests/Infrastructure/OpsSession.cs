using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// The operator console as a browser without scripts uses it: cookies kept, redirects shown rather than followed,
/// forms posted with the anti-forgery token the page that holds them carried.
/// </summary>
public static partial class OpsSession
{
    /// <summary>A client of the test host with its own cookie jar; <paramref name="https"/> for a host that sends only Secure cookies.</summary>
    public static HttpClient CreateOpsClient(this WebApplicationFactory<Program> factory, bool https = false) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = new Uri(https ? "https://localhost" : "http://localhost"),
        });

    /// <summary>The anti-forgery token of the first form in a page (every form of one page carries the same).</summary>
    public static string TokenIn(string html) => TokenPattern().Match(html) is { Success: true } match
        ? WebUtility.HtmlDecode(match.Groups["token"].Value)
        : throw new InvalidOperationException("The page has no anti-forgery token.");

    /// <summary>Logs in with <paramref name="key"/> from the login form, as an operator would; returns the login's answer.</summary>
    public static async Task<HttpResponseMessage> LogInAsync(HttpClient client, string key = SwitchboardFactory.AdminKey, string returnUrl = "/ops")
    {
        var form = await client.GetStringAsync($"/ops/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        return await client.PostAsync("/ops/login", Form(TokenIn(form), ("key", key), ("returnUrl", returnUrl)));
    }

    /// <summary>A form body; <paramref name="token"/> null leaves the anti-forgery token out.</summary>
    public static FormUrlEncodedContent Form(string? token, params (string Name, string Value)[] fields)
    {
        var pairs = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).ToList();
        if (token is not null)
        {
            pairs.Add(new("__RequestVerificationToken", token));
        }

        return new FormUrlEncodedContent(pairs);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex TokenPattern();
}
