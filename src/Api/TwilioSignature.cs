using Microsoft.AspNetCore.Http;
using Twilio.Security;

namespace Switchboard.Api;

/// <summary>
/// X-Twilio-Signature: HMAC-SHA1 (key: the auth token) of the public URL Twilio called plus the sorted form pairs.
/// </summary>
public static class TwilioSignature
{
    public const string Header = "X-Twilio-Signature";

    public static bool IsValid(HttpRequest request, IFormCollection form, string authToken, string? webhookBaseUrl)
    {
        var signature = request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(authToken))
        {
            return false; // RequestValidator throws on an empty signature.
        }

        var parameters = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        return new RequestValidator(authToken).Validate(PublicUrl(request, webhookBaseUrl), parameters, signature);
    }

    /// <summary>The URL Twilio signed: Twilio:WebhookBaseUrl when set (behind a proxy), else the request's own.</summary>
    public static string PublicUrl(HttpRequest request, string? webhookBaseUrl) =>
        $"{PublicBaseUrl(request, webhookBaseUrl)}{request.Path}{request.QueryString}";

    /// <summary>Scheme, host and path base Twilio reaches this service on.</summary>
    public static string PublicBaseUrl(HttpRequest request, string? webhookBaseUrl) =>
        (webhookBaseUrl is { Length: > 0 } ? webhookBaseUrl.TrimEnd('/') : $"{request.Scheme}://{request.Host}") + request.PathBase;
}
