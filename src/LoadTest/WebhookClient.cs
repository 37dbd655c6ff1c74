using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Switchboard.LoadTest;

/// <summary>
/// Sends signed inbound-SMS webhooks and records their acknowledgements: one message is its first delivery, retries
/// after a 5xx or timeout (<c>--retry-5xx</c>), and for a share of messages a redelivery with the same MessageSid, form
/// and signature 100–1000 ms after the first delivery completed (<c>--redeliver</c>), as Twilio does.
/// </summary>
public sealed class WebhookClient : IDisposable
{
    private static readonly TimeSpan RetryBackoff = TimeSpan.FromMilliseconds(500);
    private readonly HttpClient _http;
    private readonly LoadOptions _options;
    private readonly LoadStats _stats;
    private readonly MessageLedger _ledger;
    private readonly TimeSeries _series;
    private readonly Uri _webhookUrl;
    private readonly string _signedUrl;
    private readonly ConcurrentBag<Task> _redeliveries = [];
    private long _messages;

    public WebhookClient(LoadOptions options, LoadStats stats, MessageLedger ledger, TimeSeries series)
    {
        _options = options;
        _stats = stats;
        _ledger = ledger;
        _series = series;
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

    /// <summary>Sends a new message of <paramref name="sender"/>; latency counts from <paramref name="intendedStart"/>.</summary>
    public async Task SendAsync(string sender, string body, long intendedStart, CancellationToken abort)
    {
        var sid = SenderPlan.NewMessageSid();
        var form = new KeyValuePair<string, string>[]
        {
            new("MessageSid", sid),
            new("AccountSid", _options.AccountSid),
            new("From", sender),
            new("To", _options.To),
            new("Body", body),
            new("NumMedia", "0"),
        };
        var signature = TwilioSigner.Sign(_options.AuthToken, _signedUrl, form);
        var measured = intendedStart >= _series.Origin;
        _ledger.Sent(sid, sender, intendedStart);
        _series.Sent(intendedStart);

        var start = intendedStart;
        for (var attempt = 0; ; attempt++)
        {
            var status = await PostAsync(form, signature, start, measured, redelivery: false, abort);
            if (status == 200)
            {
                _ledger.Acked(sid);
                break;
            }

            // 0 = timeout or connection error: Twilio retries those like a 5xx.
            if (attempt >= _options.Retry5xx || status is > 0 and < 500 || abort.IsCancellationRequested)
            {
                _stats.RecordUnacknowledged();
                break;
            }

            _stats.RecordRetry();
            await Task.Delay(RetryBackoff * (attempt + 1), CancellationToken.None);
            start = Stopwatch.GetTimestamp();
        }

        if (ShouldRedeliver())
        {
            _redeliveries.Add(RedeliverAsync(sid, form, signature, abort));
        }
    }

    /// <summary>Waits for the redeliveries still scheduled.</summary>
    public Task DrainAsync() => Task.WhenAll(_redeliveries);

    /// <summary>Exactly round(n × fraction) of the first n messages are redelivered, spread evenly.</summary>
    private bool ShouldRedeliver()
    {
        if (_options.Redeliver <= 0)
        {
            return false;
        }

        var n = Interlocked.Increment(ref _messages);
        return Math.Floor(n * _options.Redeliver) > Math.Floor((n - 1) * _options.Redeliver);
    }

    private async Task RedeliverAsync(string sid, KeyValuePair<string, string>[] form, string signature, CancellationToken abort)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(100, 1001)), CancellationToken.None);
        if (abort.IsCancellationRequested)
        {
            return;
        }

        var start = Stopwatch.GetTimestamp();
        var status = await PostAsync(form, signature, start, start >= _series.Origin, redelivery: true, abort);
        if (status == 200)
        {
            _ledger.Acked(sid);
        }

        _stats.RecordRedelivery(status == 200);
    }

    /// <summary>One request; returns its status code, or 0 for a timeout or a connection error.</summary>
    private async Task<int> PostAsync(KeyValuePair<string, string>[] form, string signature, long start, bool measured, bool redelivery, CancellationToken abort)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _webhookUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation(TwilioSigner.Header, signature);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(abort);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var status = (int)response.StatusCode;
            var now = Stopwatch.GetTimestamp();
            var latency = Stopwatch.GetElapsedTime(start, now);
            _stats.RecordResponse(status, latency, measured, redelivery);
            if (status == 200 && !redelivery)
            {
                _series.Acked(now, latency);
            }
            else if (status != 200)
            {
                _stats.RecordRefusal(Sender(form), status);
            }

            return status;
        }
        catch (OperationCanceledException) when (!abort.IsCancellationRequested)
        {
            _stats.RecordTimeout();
        }
        catch (HttpRequestException ex)
        {
            _stats.RecordError(ex.HttpRequestError.ToString());
        }

        _stats.RecordRefusal(Sender(form), 0);
        return 0;
    }

    private static string Sender(KeyValuePair<string, string>[] form) => form.First(f => f.Key == "From").Value;

    public void Dispose() => _http.Dispose();
}
