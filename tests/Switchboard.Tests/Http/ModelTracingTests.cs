using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Switchboard.Contracts;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.OpenAI;
using Xunit.Abstractions;

namespace Switchboard.Tests.Http;

/// <summary>
/// The real host with <c>Agents:Provider=OpenAI</c> against the <see cref="FakeOpenAIServer"/> (which reports usage),
/// OTLP export to a <see cref="FakeOtlpReceiver"/>, prompts and answers recorded (<c>Agents:OpenAI:RecordContent</c>)
/// and prices configured.
/// </summary>
public sealed class ModelTracingFixture : IAsyncLifetime
{
    public const double InputPricePerMillion = 0.15;
    public const double OutputPricePerMillion = 0.60;

    public AzuriteFixture Azurite { get; } = new();

    public FakeTwilioServer Twilio { get; } = new();

    public FakeOtlpReceiver Otlp { get; } = new();

    public FakeOpenAIServer Model { get; private set; } = null!;

    public SwitchboardFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Azurite.InitializeAsync(), Twilio.InitializeAsync(), Otlp.InitializeAsync());
        Model = await FakeOpenAIServer.StartAsync();
        Model.Plans["check my timesheet"] = """{"intent":"Status"}""";
        Model.Reply = "You have no hours this week yet.";
        var settings = new Dictionary<string, string?>(OpenAIAgentServices.Settings(Model.Endpoint))
        {
            ["Agents:OpenAI:RecordContent"] = "true",
            ["Agents:OpenAI:InputPricePerMillion"] = $"{InputPricePerMillion}",
            ["Agents:OpenAI:OutputPricePerMillion"] = $"{OutputPricePerMillion}",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.BaseUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        };
        Factory = new SwitchboardFactory(Azurite.ConnectionString, Twilio.BaseUrl, settings);
        Factory.CreateClient(); // starts the host
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Model.DisposeAsync();
        await Otlp.DisposeAsync();
        await Twilio.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

public sealed class ModelTracingTests(ModelTracingFixture fixture, ITestOutputHelper output) : IClassFixture<ModelTracingFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Each_model_call_is_a_gen_ai_span_under_its_step_with_the_model_and_its_tokens_and_the_view_shows_them()
    {
        var phone = TestSms.NewPhone();
        var traceId = await SendTracedAsync(phone, "check my timesheet");
        Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));

        var calls = await ModelCallsAsync(traceId, 2);
        var trace = fixture.Otlp.Spans.Where(s => s.TraceId == traceId).ToList();
        foreach (var span in trace)
        {
            output.WriteLine($"{span.SpanId} <- {span.ParentSpanId ?? "(root)",-16} {span.Kind,-8} {span.Name}");
        }

        var steps = new[] { "step plan", "step compose" }.Select(name => trace.Single(s => s.Name == name).SpanId);
        Assert.Equal(steps.Order(), calls.Select(c => c.ParentSpanId!).Order());
        Assert.All(calls, call =>
        {
            Assert.Equal(FakeOtlpReceiver.SpanKind.Client, call.Kind);
            Assert.Equal($"chat {OpenAIAgentServices.Model}", call.Name);
            Assert.Equal(OpenAIAgentServices.Model, call.Attributes["gen_ai.request.model"]);
            Assert.Equal($"{FakeOpenAIServer.PromptTokens}", call.Attributes["gen_ai.usage.input_tokens"]);
            Assert.Equal($"{FakeOpenAIServer.CompletionTokens}", call.Attributes["gen_ai.usage.output_tokens"]);
            Assert.Equal("""["stop"]""", call.Attributes["gen_ai.response.finish_reasons"]);
            Assert.Contains(trace, s => s.Kind == FakeOtlpReceiver.SpanKind.Client && s.ParentSpanId == call.SpanId); // the HTTP call
        });

        // The turn record, through the admin API (and the history table on Azurite): tokens per step that called the model.
        using var admin = fixture.Factory.CreateAdminClient();
        JsonElement turn = default;
        await Eventually.HoldsAsync(
            async () => (await admin.GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}"))
                .GetProperty("recentTurns") is { } turns && turns.GetArrayLength() == 1 && (turn = turns[0].GetProperty("turn")).ValueKind == JsonValueKind.Object,
            Timeout,
            "the turn in the conversation view");
        output.WriteLine(turn.ToString());
        foreach (var step in turn.GetProperty("steps").EnumerateArray())
        {
            var calledModel = step.GetProperty("step").GetString() is "plan" or "compose";
            Assert.Equal(calledModel ? FakeOpenAIServer.PromptTokens : null, Tokens(step, "inputTokens"));
            Assert.Equal(calledModel ? FakeOpenAIServer.CompletionTokens : null, Tokens(step, "outputTokens"));
        }

        Assert.Equal(2 * FakeOpenAIServer.PromptTokens, Tokens(turn, "inputTokens"));
        Assert.Equal(2 * FakeOpenAIServer.CompletionTokens, Tokens(turn, "outputTokens"));
    }

    [Fact]
    public async Task Token_counts_and_an_estimated_cost_are_metrics_next_to_the_gen_ai_ones()
    {
        var phone = TestSms.NewPhone();
        await SendTracedAsync(phone, "check my timesheet");
        Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));

        var scraped = await fixture.Factory.CreateClient().GetStringAsync("/metrics");
        var model = scraped.Split('\n').Where(l => l.StartsWith("switchboard_model_", StringComparison.Ordinal) || l.StartsWith("gen_ai_", StringComparison.Ordinal)).ToList();
        foreach (var line in model)
        {
            output.WriteLine(line);
        }

        Assert.All(
            from step in new[] { "plan", "compose" }
            from direction in new[] { "input", "output" }
            select (step, direction),
            series => Assert.Contains(model, l => l.StartsWith("switchboard_model_tokens_total{", StringComparison.Ordinal)
                && l.Contains($"step=\"{series.step}\"", StringComparison.Ordinal) && l.Contains($"direction=\"{series.direction}\"", StringComparison.Ordinal)));
        Assert.Contains(model, l => l.StartsWith("switchboard_model_cost_total{", StringComparison.Ordinal) && l.Contains("step=\"compose\"", StringComparison.Ordinal));
        Assert.Contains(model, l => l.StartsWith("gen_ai_client_token_usage", StringComparison.Ordinal) && l.Contains("gen_ai_token_type=\"input\"", StringComparison.Ordinal));
        Assert.Contains(model, l => l.StartsWith("gen_ai_client_operation_duration", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Recorded_prompts_and_answers_carry_phone_numbers_masked_only()
    {
        var phone = TestSms.NewPhone();
        var other = TestSms.NewPhone();
        var text = $"my timesheet please, and text my manager on {other}";
        var traceId = await SendTracedAsync(phone, text);
        Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));

        // The SMS is in both prompts: the planner reads it, the composer's facts quote it.
        var calls = await ModelCallsAsync(traceId, 2);
        Assert.All(calls, call =>
        {
            var prompt = call.Attributes["gen_ai.input.messages"];
            output.WriteLine(prompt);
            Assert.Contains("my timesheet please, and text my manager on ", prompt, StringComparison.Ordinal);
            Assert.Contains(PhoneMask.Mask(other).TrimStart('+'), prompt, StringComparison.Ordinal); // after "+" or the JSON escape "\u002B"
        });
        Assert.Contains(calls, c => c.Attributes.GetValueOrDefault("gen_ai.output.messages", "").Contains("You have no hours this week yet.", StringComparison.Ordinal));

        // Neither number in any exported byte, with or without its "+".
        Assert.All([phone, other], number =>
            Assert.DoesNotContain(fixture.Otlp.AllRequests, body => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(number.TrimStart('+'))) >= 0));
    }

    /// <summary>Sends the SMS with a trace of its own (as from a proxy that traces), so its trace is known.</summary>
    private async Task<string> SendTracedAsync(string phone, string text)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var request = SwitchboardFactory.SignedSms(phone, text);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Factory.CreateClient().SendAsync(request)).StatusCode);
        return traceId;
    }

    /// <summary>The gen_ai spans of a trace (those that report usage), once <paramref name="count"/> are exported.</summary>
    private async Task<IReadOnlyList<FakeOtlpReceiver.Span>> ModelCallsAsync(string traceId, int count)
    {
        IReadOnlyList<FakeOtlpReceiver.Span> calls = [];
        await Eventually.HoldsAsync(
            () => (calls = [.. fixture.Otlp.Spans.Where(s => s.TraceId == traceId && s.Attributes.ContainsKey("gen_ai.usage.input_tokens"))]).Count >= count
                && fixture.Otlp.Spans.Count(s => s.TraceId == traceId && s.Name is "step plan" or "step compose") == 2,
            Timeout,
            $"{count} gen_ai spans and their steps");
        return calls;
    }

    private static int? Tokens(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}
