using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Switchboard.Grains.Outbound;

/// <summary>
/// Sends through the Twilio SDK (Messages.json); the HTTP client is pointed at Twilio:ApiBaseUrl. Errors are classified
/// by the HTTP answer actually received (the SDK's LastResponse): the SDK reports a 4xx/5xx whose body is not a Twilio
/// JSON error (a proxy's empty or HTML 502) with status 0, which says nothing about whether to retry.
/// </summary>
public sealed class TwilioSmsSender(IHttpClientFactory httpClients, IOptions<TwilioOptions> twilio, TimeProvider time) : ISmsSender
{
    public const string HttpClientName = "twilio";

    private const int MaxErrorLength = 200;

    private const int LookupPageSize = 50;

    public async Task<SendResult> SendAsync(string outboundId, OutboundSms message)
    {
        var options = twilio.Value;
        var (client, http) = NewClient(options);
        var create = new CreateMessageOptions(new PhoneNumber(TwilioAddress.For(message.To, message.Channel)));
        if (message.Template is { } template)
        {
            // Outside WhatsApp's 24-hour window only an approved template may go (see WhatsAppDelivery).
            create.ContentSid = template.ContentSid;
            create.ContentVariables = template.ContentVariables;
        }
        else
        {
            create.Body = message.Body;
        }

        var (from, service) = SenderOf(message, options);
        if (service is not null)
        {
            create.MessagingServiceSid = service;
        }
        else
        {
            create.From = new PhoneNumber(from);
        }

        if ((options.EffectiveStatusCallbackUrl ?? message.StatusCallbackUrl) is { } callback)
        {
            // Our id rides in the callback URL, so the status callback finds its grain without an index.
            var separator = callback.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            create.StatusCallback = new Uri($"{callback}{separator}id={Uri.EscapeDataString(outboundId)}");
        }

        MessageResource created;
        try
        {
            created = await MessageResource.CreateAsync(create, client);
        }
        catch (ApiException ex)
        {
            return Classify(ex, http.LastResponse);
        }
        catch (Exception ex) when (ex is ApiConnectionException or HttpRequestException or TaskCanceledException)
        {
            return new SendResult(SendOutcome.Retryable, Error: Shorten(DescribeConnectionFailure(ex, http.LastRequest, options.ApiBaseUrl)))
            {
                NeverSent = NeverSent(ex),
            };
        }

        return created.Sid is { Length: > 0 } sid
            ? SendResult.Accepted(sid, (int?)http.LastResponse?.StatusCode ?? 201)
            : throw new UnexpectedTwilioAnswerException($"Twilio answered HTTP {(int?)http.LastResponse?.StatusCode} without a message sid");
    }

    public async Task<string?> FindSentAsync(string outboundId, OutboundSms message, DateTimeOffset since)
    {
        var options = twilio.Value;
        var (client, _) = NewClient(options);
        var (from, service) = SenderOf(message, options);
        var read = new ReadMessageOptions
        {
            To = new PhoneNumber(TwilioAddress.For(message.To, message.Channel)),
            // Twilio filters DateSent by the day (GMT): the list starts at midnight, date_created narrows it below.
            DateSentAfter = since.UtcDateTime.Date,
            PageSize = LookupPageSize,
        };
        if (service is null)
        {
            read.From = new PhoneNumber(from);
        }

        // Twilio's dates have whole seconds: a message created in the same second as since reads as before it.
        var createdSince = since.AddTicks(-(since.Ticks % TimeSpan.TicksPerSecond));
        var found = await MessageResource.ReadAsync(read, client);
        // The message is minutes old and the list newest first: one page (a second would be fetched synchronously).
        found.AutoPaging = false;
        foreach (var sent in found)
        {
            if ((service is null || sent.MessagingServiceSid == service)
                && (message.Template is not null || sent.Body == message.Body) // a template's body is Twilio's rendering
                && sent.DateCreated is { } created && created.ToUniversalTime() >= createdSince.UtcDateTime)
            {
                return sent.Sid;
            }
        }

        return null;
    }

    /// <summary>One SDK client per call: its LastResponse is this call's answer, not another thread's.</summary>
    private (TwilioRestClient Client, SystemNetHttpClient Http) NewClient(TwilioOptions options)
    {
        var http = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName));
        return (new TwilioRestClient(options.AccountSid, options.AuthToken, httpClient: http), http);
    }

    /// <summary>
    /// Who sends this message: a number (WhatsAppFrom on WhatsApp, else the number the person texted, else FromNumber)
    /// or the messaging service, which keeps the person's number by its sticky sender and for WhatsApp needs a WhatsApp
    /// sender in its pool. A lookup must ask for the same sender the send used.
    /// </summary>
    private static (string? From, string? MessagingServiceSid) SenderOf(OutboundSms message, TwilioOptions options) =>
        message.Channel == MessageChannel.WhatsApp && options.WhatsAppFrom is { Length: > 0 } whatsAppFrom ? (whatsAppFrom, null)
        : options.MessagingServiceSid is { Length: > 0 } service ? (null, service)
        : (message.From ?? options.FromNumber, null);

    private SendResult Classify(ApiException ex, Response? response)
    {
        var status = response is null ? ex.Status : (int)response.StatusCode;
        if (status is >= 200 and < 400)
        {
            // The SDK took it for success and could not read the message (a body that is not JSON).
            throw new UnexpectedTwilioAnswerException($"Twilio answered HTTP {status} with a body that is not a message", ex);
        }

        // The SDK fills Status only when it parsed a Twilio JSON error; otherwise the answer came from something else.
        var twilioError = ex.Status != 0;
        var errorCode = ex.Code == 0 ? null : ex.Code.ToString(CultureInfo.InvariantCulture);
        var permanent = twilioError && errorCode is not null && status is >= 400 and < 500 and not (int)HttpStatusCode.TooManyRequests;
        return new SendResult(permanent ? SendOutcome.Permanent : SendOutcome.Retryable, HttpStatus: status == 0 ? null : status, ErrorCode: errorCode, Error: Shorten(ex.Message))
        {
            RetryAfter = permanent ? null : RetryAfterHeader.From(response?.Headers, time.GetUtcNow()),
            NotFromTwilio = !twilioError && status != 0,
        };
    }

    /// <summary>
    /// Whether the request certainly never reached anyone: the connection was refused (nothing listens there) or the
    /// host name did not resolve. A timeout, a reset or a broken connection may come after the request was sent.
    /// </summary>
    internal static bool NeverSent(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The SDK names the URL it asked for (api.twilio.com) and glues it to the method: name the one actually called
    /// (TwilioApiBaseUrlHandler rewrites it to Twilio:ApiBaseUrl), and what went wrong there.
    /// </summary>
    private static string DescribeConnectionFailure(Exception ex, Twilio.Http.Request? request, string? apiBaseUrl)
    {
        var cause = ex is ApiConnectionException && ex.InnerException is { } inner ? inner : ex;
        if (request is null)
        {
            return $"{cause.GetType().Name}: {cause.Message}";
        }

        var called = TwilioApiBaseUrlHandler.Rewrite(request.ConstructUrl(), apiBaseUrl);
        return $"{cause.GetType().Name}: {request.Method} {called.GetLeftPart(UriPartial.Path)}: {cause.Message}";
    }

    /// <summary>The SDK puts a non-JSON body into its message: a proxy's HTML page would fill the stored attempt and the log.</summary>
    private static string Shorten(string error) => error.Length <= MaxErrorLength ? error : string.Concat(error.AsSpan(0, MaxErrorLength), "…");
}
