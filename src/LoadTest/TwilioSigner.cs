using System.Security.Cryptography;
using System.Text;

namespace Switchboard.LoadTest;

/// <summary>X-Twilio-Signature: base64 HMAC-SHA1 (key: auth token) of the URL followed by the form pairs sorted by key.</summary>
public static class TwilioSigner
{
    public const string Header = "X-Twilio-Signature";

    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
    }
}
