using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Api;

/// <summary>HTTP Basic credentials as a request presents them, compared in constant time (dashboard, email webhook).</summary>
public static class BasicCredentials
{
    /// <summary>Whether the request presents exactly these credentials; false for none, a malformed header, or others.</summary>
    public static bool Presents(HttpRequest request, string? username, string? password)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password)
            || !AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return false;
        }

        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = pair.IndexOf(':');
            return colon >= 0 && Same(pair[..colon], username) & Same(pair[(colon + 1)..], password);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Constant time: how much of a guess is right does not show in the answer's timing.</summary>
    public static bool Same(string presented, string? expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected ?? ""));
}
