using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// text, any other request (the composer) with <see cref="Reply"/>. Every request is recorded.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _sequence;

    private FakeOpenAIServer(WebApplication app) => _app = app;

    /// <summary>Base URL to configure as <c>Agents:OpenAI:Endpoint</c> (ends in /v1).</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>SMS text (as the user message) → what the model answers, usually plan JSON, sometimes garbage.</summary>
    public ConcurrentDictionary<string, string> Plans { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the model writes when it is asked for a reply rather than a plan.</summary>
    public string Reply { get; set; } = "Logged 8h on Apollo today. Week total: 8h.";

    /// <summary>Plan answer for a text not in <see cref="Plans"/>, like a model that understood nothing.</summary>
    public string UnknownPlan { get; set; } = """{"intent":"Help"}""";

    /// <summary>When set, every request is answered with this status and an OpenAI error body, like a failing server.</summary>
    public int? FailWithStatus { get; set; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

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

        if (FailWithStatus is { } status)
        {
            return Results.Json(new { error = new { message = "The fake model is overloaded.", type = "server_error" } }, statusCode: status);
        }

        var content = recorded.AsksForJson
            ? Plans.TryGetValue(recorded.UserText.Trim(), out var plan) ? plan : UnknownPlan
            : Reply;
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
            usage = new { prompt_tokens = 100, completion_tokens = 20, total_tokens = 120 },
        });
    }

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

    public string SystemText => Text("system");

    public string UserText => Text("user");

    /// <summary>Message content arrives as a string or as an array of text parts, depending on the client.</summary>
    private string Text(string role) => string.Concat(
        (Body["messages"]?.AsArray() ?? []).Where(m => m?["role"]?.GetValue<string>() == role).Select(m => m!["content"] switch
        {
            JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>())),
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            _ => "",
        }));
}
