using System.Net.Http.Headers;

namespace Switchboard.Grains.Outbound;

/// <summary>Reads Retry-After (RFC 9110: delay in seconds, or an HTTP date) as the wait it asks for from now.</summary>
public static class RetryAfterHeader
{
    public static TimeSpan? From(HttpResponseHeaders? headers, DateTimeOffset now)
    {
        var wait = headers?.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => (TimeSpan?)null,
        };

        // A date in the past asks for no wait at all: the normal backoff applies.
        return wait > TimeSpan.Zero ? wait : null;
    }
}
