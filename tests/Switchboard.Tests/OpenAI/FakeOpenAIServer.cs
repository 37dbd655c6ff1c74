using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.OpenAI;

/// <summary>
/// A small OpenAI-compatible server on loopback: <c>POST /v1/chat/completions</c>, non-streaming. It plays a
/// believable model: a request that asks for JSON (a plan) is answered from <see cref="Plans"/> keyed by the SMS
/// text, any other request (the composer) with <see cref="Reply"/> or <see cref="ReplyWriter"/>, each with its token
/// usage. Every request is recorded.
/// </summary>
public sealed partial class FakeOpenAIServer : IAsyncDisposable
{
    /// <summary>The usage every answer reports, as a real endpoint does: tokens read (the prompt) and written.</summary>
    public const int PromptTokens = 100;

    public const int CompletionTokens = 20;

    private readonly WebApplication _app;
    private long _sequence;

    private FakeOpenAIServer(WebApplication app) => _app = app;

    /// <summary>Base URL to configure as <c>Agents:OpenAI:Endpoint</c> (ends in /v1).</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>
    /// SMS text (as the user message) → what the model answers, usually plan JSON, sometimes garbage. "{today}" in an
    /// answer becomes the date the system prompt gives as today, as a model reading the prompt would write it.
    /// </summary>
    public ConcurrentDictionary<string, string> Plans { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the model writes when it is asked for a reply rather than a plan.</summary>
    public string Reply { get; set; } = "Logged 8h on Apollo today. Week total: 8h.";

    /// <summary>When set, writes the reply from the facts (the composer's JSON user message) instead of <see cref="Reply"/>.</summary>
    public Func<JsonNode, string>? ReplyWriter { get; set; }

    /// <summary>Plan answer for a text not in <see cref="Plans"/>, like a model that understood nothing.</summary>
    public string UnknownPlan { get; set; } = """{"intent":"Help"}""";

    /// <summary>When set, every request is answered with this status and an OpenAI error body, like a failing server.</summary>
    public int? FailWithStatus { get; set; }

    /// <summary>When set, a request with a JSON schema response format gets a 400, like servers without structured output.</summary>
    public bool RefuseJsonSchema { get; set; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>How long the model thinks before it answers, like a real one (seconds per call).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Requests it matches are never answered, until the caller goes away (a process killed during the call).</summary>
    public Func<RecordedRequest, bool>? HangWhen { get; set; }

    private int _failuresLeft;

    /// <summary>Answers the next <paramref name="count"/> requests with 503, like a model that is briefly overloaded.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAIServer(app);
        app.MapPost("/v1/chat/completions", server.CompleteAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.Endpoint = $"{address.TrimEnd('/')}/v1";
        return server;
    }

    public RecordedRequest LastRequest => Requests.Last();

    private async Task<IResult> CompleteAsync(HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!.AsObject();
        var recorded = new RecordedRequest(request.Headers.Authorization.ToString(), body);
        Requests.Enqueue(recorded);
        if (HangWhen?.Invoke(recorded) == true)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, request.HttpContext.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Empty;
        }

        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency);
        }

        var failing = FailWithStatus ?? (Interlocked.Decrement(ref _failuresLeft) >= 0 ? StatusCodes.Status503ServiceUnavailable : null);
        if (failing is { } status)
        {
            return Results.Json(new { error = new { message = "The fake model is overloaded.", type = "server_error" } }, statusCode: status);
        }

        if (RefuseJsonSchema && recorded.ResponseFormat == "json_schema")
        {
            return Results.Json(
                new { error = new { message = "response_format 'json_schema' is not supported by this server.", type = "invalid_request_error" } },
                statusCode: StatusCodes.Status400BadRequest);
        }

        var content = recorded.AsksForJson
            ? (Plans.TryGetValue(recorded.UserText.Trim(), out var plan) ? plan : UnknownPlan).Replace("{today}", Today(recorded.SystemText), StringComparison.Ordinal)
            : ReplyWriter is { } writer ? writer(JsonNode.Parse(recorded.UserText)!) : Reply;
        var id = Interlocked.Increment(ref _sequence);
        return Results.Json(new
        {
            id = $"chatcmpl-fake-{id}",
            @object = "chat.completion",
            created = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds(),
            model = recorded.Model,
            choices = new[]
            {
                new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" },
            },
            usage = new { prompt_tokens = PromptTokens, completion_tokens = CompletionTokens, total_tokens = PromptTokens + CompletionTokens },
        });
    }

    private static string Today(string systemPrompt) => TodayInPrompt().Match(systemPrompt) is { Success: true } m ? m.Groups[1].Value : "";

    [GeneratedRegex(@"""today"" = (\d{4}-\d{2}-\d{2})")]
    private static partial Regex TodayInPrompt();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request as the fake server saw it.</summary>
public sealed record RecordedRequest(string Authorization, JsonObject Body)
{
    public string? Model => Body["model"]?.GetValue<string>();

    /// <summary>"json_schema" or "json_object" when the client asked for structured output.</summary>
    public string? ResponseFormat => Body["response_format"]?["type"]?.GetValue<string>();

    public bool AsksForJson => ResponseFormat is "json_schema" or "json_object";

    public string SystemText => string.Concat(Texts("system"));

    /// <summary>The first user message: the SMS or the facts. A client may add more (plain JSON mode adds the schema).</summary>
    public string UserText => Texts("user").FirstOrDefault() ?? "";

    /// <summary>Message content arrives as a string or as an array of text parts, depending on the client.</summary>
    public IEnumerable<string> Texts(string role) =>
        (Body["messages"]?.AsArray() ?? []).Where(m => m?["role"]?.GetValue<string>() == role).Select(m => m!["content"] switch
        {
            JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            _ => "",
        });
}
