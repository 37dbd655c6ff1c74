using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// An email as SendGrid's Inbound Parse posts it to the host (multipart form, the fields of its parsed mode), with the
/// Basic credentials SendGrid takes from the webhook URL.
/// </summary>
public static class SendGridInbound
{
    public const string Url = "/email/inbound";

    /// <param name="spf">SendGrid's SPF verdict; <paramref name="dkim"/> its DKIM verdicts ("{@domain : pass}").</param>
    public static HttpRequestMessage Post(
        string from, string subject, string text, string? messageId = null, string? references = null,
        string spf = "pass", string? dkim = null, (string User, string Password)? credentials = null)
    {
        messageId ??= $"<{Guid.NewGuid():N}@mail.example.com>";
        var domain = from[(from.IndexOf('@') + 1)..];
        var headers = new StringBuilder()
            .Append("Received: by mx.sendgrid.net with SMTP id abc\r\n")
            .Append($"From: Ann Example <{from}>\r\n")
            .Append($"To: {SwitchboardFactory.EmailFrom}\r\n")
            .Append($"Subject: {subject}\r\n")
            .Append($"Message-ID: {messageId}\r\n");
        if (references is not null)
        {
            headers.Append($"In-Reply-To: {references.Split(' ')[^1]}\r\nReferences: {references}\r\n");
        }

        var form = new MultipartFormDataContent
        {
            { new StringContent(headers.ToString()), "headers" },
            { new StringContent($"Ann Example <{from}>"), "from" },
            { new StringContent(SwitchboardFactory.EmailFrom), "to" },
            { new StringContent(subject), "subject" },
            { new StringContent(text), "text" },
            { new StringContent($"<p>{text}</p>"), "html" },
            { new StringContent(JsonSerializer.Serialize(new { to = new[] { SwitchboardFactory.EmailFrom }, from })), "envelope" },
            { new StringContent(dkim ?? $"{{@{domain} : pass}}"), "dkim" },
            { new StringContent(spf), "SPF" },
            { new StringContent("""{"to":"UTF-8","from":"UTF-8","subject":"UTF-8","text":"UTF-8","html":"UTF-8"}"""), "charsets" },
            { new StringContent("0"), "attachments" },
        };
        var (user, password) = credentials ?? (SwitchboardFactory.EmailInboundUsername, SwitchboardFactory.EmailInboundPassword);
        var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return request;
    }
}
