using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Switchboard.Api;

/// <summary>
/// Reads a Twilio webhook's form body leniently. ASP.NET Core's form reader refuses some bodies Twilio really sends
/// (a message with a NUL character is "malformed"), and a 4xx is never retried by Twilio: the person's message would
/// be gone. Here any percent-encoded text is accepted as it is; the signature check decides whether it is genuine.
/// </summary>
public static class TwilioForm
{
    /// <summary>Reads the body (at most <see cref="WebhookOptions.MaxBodyBytes"/>) and installs it as the request's form.</summary>
    /// <exception cref="BadHttpRequestException">The body is larger than the limit (413) or could not be read.</exception>
    public static async Task<IFormCollection> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > WebhookOptions.MaxBodyBytes)
            {
                throw new BadHttpRequestException("The body is too large.", StatusCodes.Status413PayloadTooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        var form = Parse(Encoding.Latin1.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        request.HttpContext.Features.Set<IFormFeature>(new FormFeature(form));
        return form;
    }

    /// <summary>
    /// Splits "a=1&amp;b=x+y" into pairs, decoding '+' and UTF-8 percent escapes. Raw non-ASCII bytes (not sent by
    /// Twilio, which escapes everything) are read as Latin-1 so that nothing throws; the signature then fails.
    /// </summary>
    public static FormCollection Parse(string body) => new(QueryHelpers.ParseNullableQuery(body));
}
