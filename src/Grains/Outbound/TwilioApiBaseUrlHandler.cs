using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>The Twilio SDK always calls api.twilio.com: rewrite each request to Twilio:ApiBaseUrl.</summary>
public sealed class TwilioApiBaseUrlHandler(IOptions<TwilioOptions> twilio) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (twilio.Value.ApiBaseUrl is { } baseUrl && request.RequestUri is { } uri)
        {
            var target = new Uri(baseUrl);
            request.RequestUri = new UriBuilder(uri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
