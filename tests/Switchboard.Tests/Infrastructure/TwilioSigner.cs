using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Signs a webhook request the way Twilio does, written independently of the SDK the service uses.</summary>
public static class TwilioSigner
{
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// <summary>A signed form POST ready to send.</summary>
    public static HttpRequestMessage SignedPost(string authToken, string url, Dictionary<string, string> form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", Sign(authToken, url, form));
        return request;
    }
}
