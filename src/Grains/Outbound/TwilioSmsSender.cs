using System.Net;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Switchboard.Grains.Outbound;

/// <summary>Sends through the Twilio SDK (Messages.json); the HTTP client is pointed at Twilio:ApiBaseUrl.</summary>
public sealed class TwilioSmsSender(IHttpClientFactory httpClients, IOptions<TwilioOptions> twilio) : ISmsSender
{
    public const string HttpClientName = "twilio";

    public async Task<SendResult> SendAsync(string outboundId, OutboundSms message)
    {
        var options = twilio.Value;
        var client = new TwilioRestClient(options.AccountSid, options.AuthToken, httpClient: new SystemNetHttpClient(httpClients.CreateClient(HttpClientName)));
        var create = new CreateMessageOptions(new PhoneNumber(message.To)) { Body = message.Body };
        if (options.MessagingServiceSid is { Length: > 0 } service)
        {
            create.MessagingServiceSid = service;
        }
        else
        {
            create.From = new PhoneNumber(options.FromNumber);
        }

        if ((options.EffectiveStatusCallbackUrl ?? message.StatusCallbackUrl) is { } callback)
        {
            // Our id rides in the callback URL, so the status callback finds its grain without an index.
            var separator = callback.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            create.StatusCallback = new Uri($"{callback}{separator}id={Uri.EscapeDataString(outboundId)}");
        }

        try
        {
            var created = await MessageResource.CreateAsync(create, client);
            return SendResult.Accepted(created.Sid);
        }
        catch (ApiException ex)
        {
            var retryable = ex.Status is (int)HttpStatusCode.TooManyRequests or >= 500;
            return new SendResult(retryable ? SendOutcome.Retryable : SendOutcome.Permanent, HttpStatus: ex.Status, ErrorCode: ex.Code == 0 ? null : ex.Code.ToString(), Error: ex.Message);
        }
        catch (Exception ex) when (ex is ApiConnectionException or HttpRequestException or TaskCanceledException)
        {
            return new SendResult(SendOutcome.Retryable, Error: $"{ex.GetType().Name}: {ex.Message}");
        }
    }
}
