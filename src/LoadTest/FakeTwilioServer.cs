using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchboard.LoadTest;

/// <summary>
/// A minimal Twilio-compatible REST server on 127.0.0.1: accepts POST /2010-04-01/Accounts/{sid}/Messages.json with 201
/// and hands each message's StatusCallback (which carries the outbound id, hence the inbound MessageSid it answers) to
/// the <see cref="MessageLedger"/>; lists what it accepted on GET Messages.json (<see cref="TwilioMessageList"/>), which
/// the service asks before it retries a send whose outcome it did not see. Same answer shape as the test suite's fake.
/// </summary>
public sealed class FakeTwilioServer(int port, MessageLedger ledger, TimeProvider? time = null) : IAsyncDisposable
{
    // Indexed by To: the service always asks for one recipient, and a run accepts hundreds of thousands of messages.
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ListedMessage>> _acceptedTo = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private WebApplication? _app;
    private long _sequence;

    public string BaseUrl { get; private set; } = $"http://127.0.0.1:{port}";

    /// <summary>Outbound messages received.</summary>
    public long Received => Interlocked.Read(ref _sequence);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(BaseUrl);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", CreateMessage);
        _app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages.json", ListMessages);
        await _app.StartAsync();
        BaseUrl = _app.Urls.First();
    }

    private async Task<IResult> CreateMessage(string accountSid, HttpRequest request)
    {
        var capturedAt = Stopwatch.GetTimestamp();
        var form = await request.ReadFormAsync();
        var to = form["To"].ToString();
        ledger.Replied(form["StatusCallback"].ToString(), capturedAt);
        var sid = $"SM{Interlocked.Increment(ref _sequence):D32}";
        _acceptedTo.GetOrAdd(to, _ => new ConcurrentQueue<ListedMessage>()).Enqueue(new ListedMessage(
            sid, to, NullIfEmpty(form["From"].ToString()), form["Body"].ToString(), NullIfEmpty(form["MessagingServiceSid"].ToString()), _time.GetUtcNow()));
        return Results.Json(new { sid, account_sid = accountSid, to, body = form["Body"].ToString(), status = "queued" }, statusCode: 201);
    }

    private IResult ListMessages(string accountSid, HttpRequest request)
    {
        var to = request.Query["To"].ToString();
        IEnumerable<ListedMessage> accepted = to.Length > 0
            ? _acceptedTo.TryGetValue(to, out var queue) ? queue : []
            : _acceptedTo.Values.SelectMany(q => q).OrderBy(m => m.Created); // not indexed: a person asking, not the service
        return TwilioMessageList.Read(accountSid, request, accepted);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
