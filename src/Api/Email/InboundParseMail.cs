using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using MimeKit;
using MimeKit.Utils;
using Switchboard.Contracts;

namespace Switchboard.Api.Email;

/// <summary>
/// One mail as SendGrid's Inbound Parse posts it (multipart form: from, to, subject, text, html, headers, envelope,
/// dkim, SPF, charsets, attachments): who sent it, whether their domain vouches for it, its ids and its new text.
/// </summary>
/// <param name="Sender">The envelope's sender (the address SPF checked), else the From header's; normalised; null when neither is an address.</param>
/// <param name="Recipient">Our address it was sent to (the envelope's first recipient).</param>
/// <param name="Authenticated">SPF passed, or DKIM passed for the sender's domain: the address is not forged.</param>
/// <param name="Text">What the person wrote, without quoted earlier mail and signature (<see cref="EmailReplyText"/>).</param>
public sealed record InboundParseMail(string? Sender, string Recipient, bool Authenticated, string Subject, string? MessageId, string? References, string Text)
{
    /// <summary>
    /// The message's id for dedupe, shaped like a Twilio SID ("EM" and 32 hex digits): a hash of its Message-ID, so a
    /// post SendGrid delivers again is dropped like a redelivered SMS; without a Message-ID, a hash of what it says.
    /// </summary>
    public string DedupeId =>
        "EM" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(MessageId ?? $"{Sender}\n{Subject}\n{Text}")))[..32];

    public static InboundParseMail Read(IFormCollection form)
    {
        var (envelopeFrom, envelopeTo) = Envelope(form["envelope"].ToString());
        var sender = EmailAddress.TryNormalize(envelopeFrom, out var fromEnvelope) ? fromEnvelope
            : MailboxAddress.TryParse(form["from"].ToString(), out var fromHeader) && EmailAddress.TryNormalize(fromHeader.Address, out var address) ? address
            : null;
        var headers = Headers(form["headers"].ToString());
        var messageId = headers?[HeaderId.MessageId] is { } id && MimeUtils.ParseMessageId(id) is { Length: > 0 } parsed ? $"<{parsed}>" : null;
        var references = headers?[HeaderId.References] is { } refs ? string.Join(' ', MimeUtils.EnumerateReferences(refs).Select(r => $"<{r}>")) : null;
        return new InboundParseMail(
            sender,
            envelopeTo ?? form["to"].ToString(),
            sender is not null && EmailAuthentication.Passes(form["SPF"].ToString(), form["dkim"].ToString(), sender),
            form["subject"].ToString(),
            messageId,
            string.IsNullOrEmpty(references) ? null : references,
            EmailReplyText.NewText(form["text"].ToString()));
    }

    /// <summary>The envelope's JSON, {"to": ["…"], "from": "…"}: the addresses of the SMTP conversation.</summary>
    private static (string? From, string? To) Envelope(string json)
    {
        try
        {
            using var envelope = JsonDocument.Parse(json.Length == 0 ? "{}" : json);
            var root = envelope.RootElement;
            var from = root.TryGetProperty("from", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            var to = root.TryGetProperty("to", out var t) && t.ValueKind == JsonValueKind.Array && t.GetArrayLength() > 0 ? t[0].GetString() : null;
            return (from, to);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>The raw header block; null when it cannot be read (the mail is still answered, without threading).</summary>
    private static HeaderList? Headers(string raw)
    {
        if (raw.Length == 0)
        {
            return null;
        }

        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw.TrimEnd() + "\r\n\r\n"));
            return HeaderList.Load(stream);
        }
        catch (Exception ex) when (ex is FormatException or ParseException)
        {
            return null;
        }
    }
}
