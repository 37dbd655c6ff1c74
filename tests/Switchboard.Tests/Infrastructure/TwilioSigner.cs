extern alias loadtool;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// Signs webhook requests the way Twilio does, with the load tool's signer: written independently of the Twilio SDK
/// the service validates with, and checked against Twilio's documented example.
/// </summary>
public static class TwilioSigner
{
    public static string Sign(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form) =>
        loadtool::Switchboard.LoadTest.TwilioSigner.Sign(authToken, url, form);

    /// <summary>A signed form POST ready to send.</summary>
    public static HttpRequestMessage SignedPost(string authToken, string url, Dictionary<string, string> form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(loadtool::Switchboard.LoadTest.TwilioSigner.Header, Sign(authToken, url, form));
        return request;
    }
}
