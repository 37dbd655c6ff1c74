using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Switchboard.LoadTest;

/// <summary>
/// A minimal Twilio-compatible REST server on 127.0.0.1: accepts POST /2010-04-01/Accounts/{sid}/Messages.json with 201
/// and hands each reply's To number to the <see cref="ReplyTracker"/>. Same answer shape as the test suite's fake.
/// </summary>
public sealed class FakeTwilioServer(int port, ReplyTracker replies) : IAsyncDisposable
{
    private WebApplication? _app;
    private long _sequence;

    public string BaseUrl => $"http://127.0.0.1:{port}";

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(BaseUrl);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", CreateMessage);
        await _app.StartAsync();
    }

    private async Task<IResult> CreateMessage(string accountSid, HttpRequest request)
    {
        var capturedAt = Stopwatch.GetTimestamp();
        var form = await request.ReadFormAsync();
        var to = form["To"].ToString();
        replies.Replied(to, capturedAt);
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
