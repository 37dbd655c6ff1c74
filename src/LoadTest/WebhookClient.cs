using System.Diagnostics;
using System.Net;

namespace Switchboard.LoadTest;

/// <summary>Sends one signed inbound-SMS webhook and records its acknowledgement.</summary>
public sealed class WebhookClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly LoadOptions _options;
    private readonly LoadStats _stats;
    private readonly ReplyTracker? _replies;
    private readonly Uri _webhookUrl;
    private readonly string _signedUrl;

    public WebhookClient(LoadOptions options, LoadStats stats, ReplyTracker? replies)
    {
        _options = options;
        _stats = stats;
        _replies = replies;
        _webhookUrl = options.WebhookUrl;
        _signedUrl = options.SignedUrl;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, options.Concurrency),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.ExpectContinue = false;
    }

    /// <summary>Sends the next message of <paramref name="sender"/>; latency counts from <paramref name="intendedStart"/>.</summary>
    public async Task SendAsync(string sender, long intendedStart, CancellationToken abort)
    {
        var form = new KeyValuePair<string, string>[]
        {
            new("MessageSid", SenderPlan.NewMessageSid()),
            new("AccountSid", _options.AccountSid),
            new("From", sender),
            new("To", _options.To),
            new("Body", _options.Body),
            new("NumMedia", "0"),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, _webhookUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation(TwilioSigner.Header, TwilioSigner.Sign(_options.AuthToken, _signedUrl, form));

        _replies?.Sending(sender, intendedStart);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
        timeout.CancelAfter(_options.Timeout);
        var status = 0;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            status = (int)response.StatusCode;
            _stats.RecordResponse(status, Stopwatch.GetElapsedTime(intendedStart));
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            _stats.RecordTimeout();
        }
        catch (HttpRequestException ex)
        {
            _stats.RecordError(ex.HttpRequestError.ToString());
        }
        finally
        {
            if (status != 200)
            {
                _replies?.Failed(sender);
            }
        }
    }

    public void Dispose() => _http.Dispose();
}
