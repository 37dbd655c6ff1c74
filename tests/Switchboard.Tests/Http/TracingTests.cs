using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Http;

/// <summary>The real host with OTLP export to <see cref="FakeOtlpReceiver"/> (the ordinary <see cref="HttpFixture"/> exports nothing).</summary>
public sealed class TracingFixture : IAsyncLifetime
{
    public AzuriteFixture Azurite { get; } = new();

    public FakeTwilioServer Twilio { get; } = new();

    public FakeOtlpReceiver Otlp { get; } = new();

    public SwitchboardFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Azurite.InitializeAsync(), Twilio.InitializeAsync(), Otlp.InitializeAsync());
        Factory = new SwitchboardFactory(Azurite.ConnectionString, Twilio.BaseUrl, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.BaseUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        Factory.CreateClient(); // starts the host
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Otlp.DisposeAsync();
        await Twilio.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

public sealed class TracingTests(TracingFixture fixture, ITestOutputHelper output) : IClassFixture<TracingFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] StepSpans = ["step plan", "step timesheet", "step compose", "step brand", "step validate"];

    [Fact]
    public async Task With_an_OTLP_endpoint_metrics_are_exported_over_OTLP_too_and_still_scraped()
    {
        // Instrument and meter names travel as plain UTF-8 strings in the protobuf.
        await Eventually.HoldsAsync(
            () => fixture.Otlp.MetricsRequests.Any(r => Contains(r, "System.Runtime")),
            Timeout,
            "a metrics export with the runtime meter");

        var scraped = await fixture.Factory.CreateClient().GetStringAsync("/metrics"); // Prometheus stays
        Assert.Contains("dotnet_gc_", scraped, StringComparison.Ordinal);
    }

    private static bool Contains(byte[] request, string text) => request.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    [Fact]
    public async Task A_message_is_one_trace_from_the_webhook_through_the_turn_and_its_steps_to_the_Twilio_call()
    {
        var phone = TestSms.NewPhone();
        var client = fixture.Factory.CreateClient();

        // The request comes with a trace of its own (as from a proxy that traces), so this message's trace is known:
        // the Switchboard and ASP.NET Core activity sources are process-wide, so this host's exporter also sees the
        // spans of hosts that other test classes run in this process.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var request = SwitchboardFactory.SignedSms(phone, "check my timesheet");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await fixture.Twilio.WaitForAsync(phone, 1, Timeout));

        // The reply has reached the fake Twilio; its spans are exported in the next batch (OTEL_BSP_SCHEDULE_DELAY).
        IReadOnlyList<FakeOtlpReceiver.Span> trace = [];
        await Eventually.HoldsAsync(
            () => (trace = CompleteTrace(fixture.Otlp.Spans, traceId)) is { Count: > 0 },
            Timeout,
            "one trace with the webhook, turn, five step, send and Twilio HTTP spans");

        foreach (var span in trace)
        {
            output.WriteLine($"{span.SpanId} <- {span.ParentSpanId ?? "(root)",-16} {span.Kind,-8} {span.Name}");
        }

        var server = trace.Single(s => s.Kind == FakeOtlpReceiver.SpanKind.Server && s.Name.Contains("/twilio/sms", StringComparison.Ordinal));
        var turn = trace.Single(s => s.Name == "turn");
        var send = trace.Single(s => s.Name == "send");
        Assert.Equal(server.SpanId, turn.ParentSpanId);
        Assert.All(StepSpans, name => Assert.Equal(turn.SpanId, trace.Single(s => s.Name == name).ParentSpanId));
        Assert.Equal(turn.SpanId, send.ParentSpanId);
        Assert.Contains(trace, s => s.Kind == FakeOtlpReceiver.SpanKind.Client && s.ParentSpanId == send.SpanId);
        Assert.True(trace.Count >= 9, $"{trace.Count} spans");

        using var admin = fixture.Factory.CreateAdminClient();
        var conversation = await admin.GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}");
        var recorded = conversation.GetProperty("recentTurns")[0].GetProperty("turn");
        Assert.Equal(traceId, recorded.GetProperty("traceId").GetString());

        // Span names and attributes (request URLs, storage keys, grain ids) carry the number masked, as the logs do.
        var digits = Encoding.UTF8.GetBytes(phone.TrimStart('+'));
        Assert.DoesNotContain(fixture.Otlp.Requests, body => body.AsSpan().IndexOf(digits) >= 0);
    }

    [Fact]
    public async Task A_reply_Twilio_refuses_with_the_number_in_its_error_is_exported_with_the_number_masked_only()
    {
        var phone = TestSms.NewPhone();
        var refusal = $"The 'To' number {phone} is not a valid phone number.";
        fixture.Twilio.ScriptFor(phone, FakeAnswer.TwilioError(400, 21211, message: refusal));
        var client = fixture.Factory.CreateClient();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var request = SwitchboardFactory.SignedSms(phone, "check my timesheet");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        // The refused send's status is Twilio's text, with the number masked.
        FakeOtlpReceiver.Span? send = null;
        await Eventually.HoldsAsync(
            () => (send = fixture.Otlp.Spans.FirstOrDefault(s => s.TraceId == traceId && s.Name == "send" && s.StatusMessage.Length > 0)) is not null,
            Timeout,
            "the refused send's span");
        Assert.Contains(refusal.Replace(phone, PhoneMask.Mask(phone), StringComparison.Ordinal), send!.StatusMessage, StringComparison.Ordinal);

        // Metrics exported after the refusal was counted (OTEL_METRIC_EXPORT_INTERVAL), and scraped.
        var metricsSoFar = fixture.Otlp.MetricsRequests.Count;
        await Eventually.HoldsAsync(() => fixture.Otlp.MetricsRequests.Count >= metricsSoFar + 2, Timeout, "two more metrics exports");
        var scraped = await client.GetStringAsync("/metrics");

        // No exported byte holds the number, with or without its "+": spans, their events and status, metrics, logs.
        var digits = phone.TrimStart('+');
        Assert.DoesNotContain(fixture.Otlp.AllRequests, body => Contains(body, digits));
        Assert.DoesNotContain(digits, scraped, StringComparison.Ordinal);
    }

    /// <summary>The spans of the one trace that holds all that a turn is made of, or none yet.</summary>
    private static IReadOnlyList<FakeOtlpReceiver.Span> CompleteTrace(IReadOnlyList<FakeOtlpReceiver.Span> spans, string traceId) =>
        spans.GroupBy(s => s.TraceId)
            .Where(g => g.Key == traceId)
            .Select(g => g.ToList())
            .FirstOrDefault(t =>
                t.Any(s => s.Kind == FakeOtlpReceiver.SpanKind.Server && s.Name.Contains("/twilio/sms", StringComparison.Ordinal))
                && t.Any(s => s.Name == "turn")
                && StepSpans.All(name => t.Any(s => s.Name == name))
                && t.FirstOrDefault(s => s.Name == "send") is { } send
                && t.Any(s => s.Kind == FakeOtlpReceiver.SpanKind.Client && s.ParentSpanId == send.SpanId))
        ?? [];
}

/// <summary>
/// An OTLP/HTTP receiver on loopback (POST /v1/traces, /v1/metrics, /v1/logs, application/x-protobuf) that keeps every
/// body and reads just enough of ExportTraceServiceRequest by hand: resource_spans (1) → scope_spans (2) → spans (2) →
/// trace_id (1), span_id (2), parent_span_id (4), name (5), kind (6), attributes (9), status (15) → message (2).
/// An attribute (KeyValue: key (1), value (2)) is read as text: AnyValue's string (1), bool (2) or int (3), an array's
/// (5 → values (1)) items joined by commas; doubles are left out.
/// </summary>
public sealed class FakeOtlpReceiver : IAsyncLifetime
{
    private readonly ConcurrentQueue<Span> _spans = new();
    private readonly ConcurrentQueue<byte[]> _requests = new();
    private readonly ConcurrentQueue<byte[]> _metrics = new();
    private readonly ConcurrentQueue<byte[]> _logs = new();
    private WebApplication? _app;

    public enum SpanKind
    {
        Unspecified = 0,
        Internal = 1,
        Server = 2,
        Client = 3,
        Producer = 4,
        Consumer = 5,
    }

    public sealed record Span(string TraceId, string SpanId, string? ParentSpanId, string Name, SpanKind Kind, string StatusMessage)
    {
        public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
    }

    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<Span> Spans => [.. _spans];

    /// <summary>Every trace export request (POST /v1/traces) as received, to look for what must not be in it.</summary>
    public IReadOnlyList<byte[]> Requests => [.. _requests];

    /// <summary>Every metrics export request (POST /v1/metrics) as received.</summary>
    public IReadOnlyList<byte[]> MetricsRequests => [.. _metrics];

    /// <summary>Every export request of any signal (traces, metrics, logs) as received.</summary>
    public IReadOnlyList<byte[]> AllRequests => [.. _requests, .. _metrics, .. _logs];

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/traces", (HttpRequest request) => KeepAsync(request, _requests, body =>
        {
            foreach (var span in ReadSpans(body))
            {
                _spans.Enqueue(span);
            }
        }));
        _app.MapPost("/v1/metrics", (HttpRequest request) => KeepAsync(request, _metrics));
        _app.MapPost("/v1/logs", (HttpRequest request) => KeepAsync(request, _logs));
        await _app.StartAsync();
        BaseUrl = _app.Urls.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Keeps an export request's body and answers with an empty Export*ServiceResponse.</summary>
    private static async Task<IResult> KeepAsync(HttpRequest request, ConcurrentQueue<byte[]> into, Action<byte[]>? read = null)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        into.Enqueue(body.ToArray());
        read?.Invoke(body.ToArray());
        return Results.Bytes([], "application/x-protobuf");
    }

    public static IEnumerable<Span> ReadSpans(byte[] request) =>
        from resourceSpans in Fields(request, 1)
        from scopeSpans in Fields(resourceSpans, 2)
        from span in Fields(scopeSpans, 2)
        select ReadSpan(span);

    private static Span ReadSpan(ReadOnlyMemory<byte> span)
    {
        string traceId = "", spanId = "", name = "", status = "";
        string? parent = null;
        var kind = SpanKind.Unspecified;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, value, number) in Read(span))
        {
            switch (field)
            {
                case 9:
                    var key = string.Concat(Fields(value, 1).Select(k => Encoding.UTF8.GetString(k.Span)));
                    attributes[key] = string.Concat(Fields(value, 2).Select(AnyValue));
                    break;
                case 1: traceId = Convert.ToHexStringLower(value.Span); break;
                case 2: spanId = Convert.ToHexStringLower(value.Span); break;
                case 4 when value.Length > 0: parent = Convert.ToHexStringLower(value.Span); break;
                case 5: name = Encoding.UTF8.GetString(value.Span); break;
                case 6: kind = (SpanKind)number; break;
                case 15: status = string.Concat(Fields(value, 2).Select(m => Encoding.UTF8.GetString(m.Span))); break;
            }
        }

        return new Span(traceId, spanId, parent, name, kind, status) { Attributes = attributes };
    }

    private static string AnyValue(ReadOnlyMemory<byte> value) => string.Concat(Read(value).Select(f => f.Field switch
    {
        1 => Encoding.UTF8.GetString(f.Value.Span),
        2 => (f.Number != 0).ToString(),
        3 => ((long)f.Number).ToString(System.Globalization.CultureInfo.InvariantCulture),
        5 => string.Join(',', Fields(f.Value, 1).Select(AnyValue)),
        _ => "",
    }));

    /// <summary>The length-delimited values of one field number.</summary>
    private static IEnumerable<ReadOnlyMemory<byte>> Fields(ReadOnlyMemory<byte> message, int wanted) =>
        Read(message).Where(f => f.Field == wanted).Select(f => f.Value);

    /// <summary>Protobuf wire format: (field, bytes) for length-delimited fields, (field, number) for varints; fixed ones skipped.</summary>
    private static IEnumerable<(int Field, ReadOnlyMemory<byte> Value, ulong Number)> Read(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var key = Varint(message.Span, ref position);
            var (field, wireType) = ((int)(key >> 3), (int)(key & 7));
            switch (wireType)
            {
                case 0:
                    yield return (field, ReadOnlyMemory<byte>.Empty, Varint(message.Span, ref position));
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(message.Span, ref position);
                    yield return (field, message.Slice(position, length), 0);
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {wireType} at {position}");
            }
        }
    }

    private static ulong Varint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
