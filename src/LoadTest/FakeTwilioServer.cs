using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchboard.LoadTest;

/// <summary>
/// A minimal Twilio-compatible REST server on 127.0.0.1: accepts POST /2010-04-01/Accounts/{sid}/Messages.json with 201
/// and hands each message's StatusCallback (which carries the outbound id, hence the inbound MessageSid it answers) to
/// the <see cref="MessageLedger"/>. Same answer shape as the test suite's fake.
/// </summary>
public sealed class FakeTwilioServer(int port, MessageLedger ledger) : IAsyncDisposable
{
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
        return Results.Json(new { sid, account_sid = accountSid, to, body = form["Body"].ToString(), status = "queued" }, statusCode: 201);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
