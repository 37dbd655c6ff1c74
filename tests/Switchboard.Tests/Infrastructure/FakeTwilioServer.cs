extern alias loadtool;

using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ListedMessage = loadtool::Switchboard.LoadTest.ListedMessage;
using TwilioMessageList = loadtool::Switchboard.LoadTest.TwilioMessageList;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A Twilio-compatible REST server on loopback: captures POST /2010-04-01/Accounts/{sid}/Messages.json the way the
/// Twilio SDK sends it, and answers 201 (or what a test scripted: 429, 5xx, a permanent 400 with a Twilio code, or a raw
/// <see cref="FakeAnswer"/> for one recipient: a proxy's empty or HTML 502, a 2xx without a sid, a Retry-After, a
/// message taken whose answer is lost). GET Messages.json lists the messages it accepted, as Twilio does. It is also
/// SendGrid's v3 Mail Send (POST /v3/mail/send, as the SendGrid SDK sends it): one fake for everything the service
/// sends, answering 202 with an X-Message-Id or what a test scripted (<see cref="ScriptEmail"/>).
/// </summary>
public sealed class FakeTwilioServer(TimeProvider? time = null) : IAsyncLifetime
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentQueue<CapturedMessage> _messages = new();
    private readonly ConcurrentQueue<(int Status, int Code)> _scripted = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeAnswer>> _scriptedFor = new();
    private readonly ConcurrentQueue<FakeAnswer> _scriptedLists = new();
    private readonly ConcurrentQueue<CapturedEmail> _emails = new();
    private readonly ConcurrentQueue<FakeAnswer> _scriptedEmails = new();
    private WebApplication? _app;
    private int _sequence;

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<CapturedMessage> Messages => [.. _messages];

    /// <summary>Every Mail Send request, answered or refused.</summary>
    public IReadOnlyList<CapturedEmail> Emails => [.. _emails];

    /// <summary>The next Mail Send requests get these raw answers, in order (then 202 again).</summary>
    public void ScriptEmail(params FakeAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            _scriptedEmails.Enqueue(answer);
        }
    }

    /// <summary>Mails accepted (202) for this address.</summary>
    public IReadOnlyList<CapturedEmail> EmailsAcceptedTo(string address) => [.. _emails.Where(m => m.To == address && m.Status == 202)];

    public async Task<IReadOnlyList<CapturedEmail>> WaitForEmailAsync(string address, int count, TimeSpan timeout)
    {
        await Eventually.HoldsAsync(() => EmailsAcceptedTo(address).Count >= count, timeout, $"{count} mail(s) to {address} at the fake SendGrid");
        return EmailsAcceptedTo(address);
    }

    /// <summary>The next requests get these answers (status 201 = accept), in order.</summary>
    public void Script(params (int Status, int Code)[] answers)
    {
        foreach (var answer in answers)
        {
            _scripted.Enqueue(answer);
        }
    }

    /// <summary>The next requests to this number get these raw answers, in order, before any <see cref="Script"/>ed one.</summary>
    public void ScriptFor(string to, params FakeAnswer[] answers)
    {
        var queue = _scriptedFor.GetOrAdd(to, _ => new ConcurrentQueue<FakeAnswer>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
    }

    /// <summary>The next GET Messages.json requests get these raw answers, in order, instead of the list.</summary>
    public void ScriptList(params FakeAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            _scriptedLists.Enqueue(answer);
        }
    }

    /// <summary>Messages this server accepted with a sid (a raw 2xx without one is not an acceptance).</summary>
    public IReadOnlyList<CapturedMessage> AcceptedTo(string phone) => [.. _messages.Where(m => m.To == phone && m.Sid is not null)];

    public async Task<IReadOnlyList<CapturedMessage>> WaitForAsync(string phone, int count, TimeSpan timeout)
    {
        await Eventually.HoldsAsync(() => AcceptedTo(phone).Count >= count, timeout, $"{count} message(s) to {phone} at the fake Twilio");
        return AcceptedTo(phone);
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", CreateMessage);
        _app.MapGet("/2010-04-01/Accounts/{accountSid}/Messages.json", ListMessages);
        _app.MapPost("/v3/mail/send", SendMail);
        await _app.StartAsync();
        BaseUrl = _app.Urls.First();
    }

    private async Task<IResult> CreateMessage(string accountSid, HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (_scriptedFor.TryGetValue(form["To"].ToString(), out var raw) && raw.TryDequeue(out var answer))
        {
            _messages.Enqueue(Captured(accountSid, form, request, answer.Status, answer.LoseAnswer ? NewSid() : null));
            if (answer.LoseAnswer)
            {
                // Taken (listed, with a sid), then the connection breaks before the answer: the client cannot tell.
                request.HttpContext.Abort();
                return Results.Empty;
            }

            if (answer.RetryAfter is { } retryAfter)
            {
                request.HttpContext.Response.Headers.RetryAfter = retryAfter;
            }

            return Results.Text(answer.Body, answer.ContentType, statusCode: answer.Status);
        }

        var (status, code) = _scripted.TryDequeue(out var scripted) ? scripted : (201, 0);
        var sid = NewSid();
        _messages.Enqueue(Captured(accountSid, form, request, status, status == 201 ? sid : null));
        if (status == 201)
        {
            return Results.Json(new { sid, account_sid = accountSid, to = form["To"].ToString(), body = form["Body"].ToString(), status = "queued" }, statusCode: 201);
        }

        var message = status switch
        {
            (int)HttpStatusCode.TooManyRequests => "Too Many Requests",
            >= 500 => "Service unavailable",
            _ => "The 'To' number is not a valid phone number.",
        };
        return Results.Text(JsonSerializer.Serialize(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status }), "application/json", statusCode: status);
    }

    private async Task<IResult> SendMail(HttpRequest request)
    {
        using var json = await JsonDocument.ParseAsync(request.Body);
        // Subject and headers may be the whole mail's or the recipient's (its personalization's), as in SendGrid's API.
        var mail = json.RootElement;
        var recipient = mail.GetProperty("personalizations")[0];
        var status = _scriptedEmails.TryDequeue(out var answer) ? answer.Status : 202;
        _emails.Enqueue(new CapturedEmail(
            recipient.GetProperty("to")[0].GetProperty("email").GetString()!,
            mail.GetProperty("from").GetProperty("email").GetString()!,
            Field(recipient, "subject") ?? Field(mail, "subject") ?? "",
            mail.GetProperty("content")[0].GetProperty("value").GetString()!,
            Header("In-Reply-To"),
            Header("References"),
            request.Headers.Authorization.ToString(),
            status));
        if (answer is null)
        {
            request.HttpContext.Response.Headers["X-Message-Id"] = $"sg{Interlocked.Increment(ref _sequence):D20}";
            return Results.StatusCode(202);
        }

        if (answer.RetryAfter is { } retryAfter)
        {
            request.HttpContext.Response.Headers.RetryAfter = retryAfter;
        }

        return Results.Text(answer.Body, answer.ContentType, statusCode: answer.Status);

        string? Header(string name) =>
            (recipient.TryGetProperty("headers", out var own) ? Field(own, name) : null)
            ?? (mail.TryGetProperty("headers", out var all) ? Field(all, name) : null);

        static string? Field(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.GetString() : null;
    }

    private IResult ListMessages(string accountSid, HttpRequest request)
    {
        if (_scriptedLists.TryDequeue(out var answer))
        {
            return Results.Text(answer.Body, answer.ContentType, statusCode: answer.Status);
        }

        var accepted = _messages.Where(m => m.Sid is not null && m.AccountSid == accountSid).Select(m => new ListedMessage(
            m.Sid!, m.To, m.From.Length == 0 ? null : m.From, m.Body, m.MessagingServiceSid, m.Created));
        return TwilioMessageList.Read(accountSid, request, accepted);
    }

    private CapturedMessage Captured(string accountSid, IFormCollection form, HttpRequest request, int status, string? sid) => new(
        accountSid, form["To"].ToString(), form["From"].ToString(), form["Body"].ToString(), form["StatusCallback"].ToString(),
        request.Headers.Authorization.ToString(), status, sid)
    {
        ContentSid = Field(form, "ContentSid"),
        ContentVariables = Field(form, "ContentVariables"),
        MessagingServiceSid = Field(form, "MessagingServiceSid"),
        Created = _time.GetUtcNow(),
    };

    private string NewSid() => $"SM{Interlocked.Increment(ref _sequence):D32}";

    private static string? Field(IFormCollection form, string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>One Messages.json request as received.</summary>
public sealed record CapturedMessage(string AccountSid, string To, string From, string Body, string StatusCallback, string Authorization, int Status, string? Sid)
{
    /// <summary>A WhatsApp template sent in place of a body (outside the 24-hour window), and its variables' JSON.</summary>
    public string? ContentSid { get; init; }

    public string? ContentVariables { get; init; }

    public string? MessagingServiceSid { get; init; }

    /// <summary>When the fake received it (Twilio's date_created).</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>The inbound MessageSid this message answers, read from its status callback (<c>?id=phone:MessageSid:purpose</c>).</summary>
    public string AnsweredMessageSid =>
        Uri.UnescapeDataString(StatusCallback[(StatusCallback.IndexOf("id=", StringComparison.Ordinal) + 3)..]).Split(':')[1];
}

/// <summary>One Mail Send request as received: the first recipient, sender, subject, plain text and threading headers.</summary>
public sealed record CapturedEmail(string To, string From, string Subject, string Text, string? InReplyTo, string? References, string Authorization, int Status);

/// <summary>A raw answer of the fake: status, body and content type as given, optionally a Retry-After header.</summary>
public sealed record FakeAnswer(int Status, string Body, string ContentType = "application/json", string? RetryAfter = null)
{
    /// <summary>Accept the message (a sid, listed by GET Messages.json) but break the connection instead of answering.</summary>
    public bool LoseAnswer { get; init; }

    /// <summary>
    /// Twilio took the message and the answer never came back (a crash, a timeout, a dropped connection): the sender
    /// sees a failure that leaves the outcome open, and a lookup finds the message.
    /// </summary>
    public static FakeAnswer AcceptedAnswerLost => new(201, "") { LoseAnswer = true };

    /// <summary>What a proxy or load balancer sends when Twilio is out of reach: no body at all.</summary>
    public static FakeAnswer Empty(int status) => new(status, "", "text/plain");

    public static FakeAnswer Html(int status) => new(status, $"<html><head><title>{status}</title></head><body><h1>{status} Service Temporarily Unavailable</h1></body></html>", "text/html");

    /// <summary>
    /// A Twilio JSON error (what the SDK parses into ApiException with Code and Status), with Twilio's own text if
    /// given (21211's quotes the number: "The 'To' number +61… is not a valid phone number.").
    /// </summary>
    public static FakeAnswer TwilioError(int status, int code, string? retryAfter = null, string? message = null) => new(
        status, JsonSerializer.Serialize(new { code, message = message ?? $"Error {code}", more_info = $"https://www.twilio.com/docs/errors/{code}", status }), RetryAfter: retryAfter);

    /// <summary>A 201 the SDK parses without complaint, but with no message sid.</summary>
    public static FakeAnswer CreatedWithoutSid => new(201, """{"status":"queued","body":"?"}""");

    public static FakeAnswer CreatedNotJson => new(201, "{ this is not json");
}
