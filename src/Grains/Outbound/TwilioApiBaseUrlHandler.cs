using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>The Twilio SDK always calls api.twilio.com: rewrite each request to Twilio:ApiBaseUrl.</summary>
public sealed class TwilioApiBaseUrlHandler(IOptions<TwilioOptions> twilio) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri)
        {
            request.RequestUri = Rewrite(uri, twilio.Value.ApiBaseUrl);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>The URL a request for <paramref name="uri"/> actually goes to: the same path on Twilio:ApiBaseUrl, if set.</summary>
    public static Uri Rewrite(Uri uri, string? apiBaseUrl)
    {
        if (apiBaseUrl is not { Length: > 0 })
        {
            return uri;
        }

        var target = new Uri(apiBaseUrl);
        return new UriBuilder(uri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
    }
}
