using System.Net;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;
using SendGridAddress = SendGrid.Helpers.Mail.EmailAddress;
using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

/// <summary>
/// Sends an email through SendGrid's v3 Mail Send (the SendGrid SDK, pointed at Email:SendGridBaseUrl): from
/// Email:From, as plain text, with In-Reply-To and References so the person's mail client threads it under their mail.
/// Answers are classified like Twilio's: 2xx accepted (SendGrid's X-Message-Id as the id), 429 and 5xx retried after
/// any Retry-After, another 4xx permanent (a bad key, an unverified sender, a refused address).
/// </summary>
public sealed class SendGridEmailSender(IHttpClientFactory httpClients, IOptions<EmailOptions> email, TimeProvider time) : IEmailSender
{
    public const string HttpClientName = "sendgrid";

    private const int MaxErrorLength = 200;

    public async Task<SendResult> SendAsync(string outboundId, OutboundSms message)
    {
        var options = email.Value;
        var mail = message.Email ?? throw new InvalidOperationException("An email without an address: nothing to send to.");
        var client = new SendGridClient(httpClients.CreateClient(HttpClientName), new SendGridClientOptions { ApiKey = options.SendGridApiKey, Host = options.SendGridBaseUrl });
        var send = MailHelper.CreateSingleEmail(new SendGridAddress(options.From), new SendGridAddress(mail.To), mail.Subject, message.Body, htmlContent: null);
        if (mail.InReplyTo is { } inReplyTo)
        {
            send.AddHeader("In-Reply-To", inReplyTo);
        }

        if (mail.References is { } references)
        {
            send.AddHeader("References", references);
        }

        // Our id rides along, so SendGrid's event webhook or its activity feed can name the message.
        send.AddCustomArg("outbound_id", outboundId);

        Response response;
        try
        {
            response = await client.SendEmailAsync(send);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new SendResult(SendOutcome.Retryable, Error: Shorten($"{ex.GetType().Name}: {ex.Message}")) { NeverSent = TwilioSmsSender.NeverSent(ex) };
        }

        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var id = response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null;
            return SendResult.Accepted(string.IsNullOrEmpty(id) ? $"sendgrid-{status}" : id, status);
        }

        var retryable = response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500;
        var body = await response.Body.ReadAsStringAsync();
        return new SendResult(retryable ? SendOutcome.Retryable : SendOutcome.Permanent, HttpStatus: status, Error: Shorten($"SendGrid answered {status}: {body}"))
        {
            RetryAfter = retryable ? RetryAfterHeader.From(response.Headers, time.GetUtcNow()) : null,
        };
    }

    /// <summary>SendGrid keeps no list of sent mail the API can read without its paid activity feed: nothing is found.</summary>
    public Task<string?> FindSentAsync(string outboundId, OutboundSms message, DateTimeOffset since) => Task.FromResult<string?>(null);

    private static string Shorten(string error) => error.Length <= MaxErrorLength ? error : string.Concat(error.AsSpan(0, MaxErrorLength), "…");
}
