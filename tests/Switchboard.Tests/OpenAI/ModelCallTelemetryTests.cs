using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts;
using Switchboard.Grains.Agents;

namespace Switchboard.Tests.OpenAI;

/// <summary>What the provider's chat client writes on its gen_ai spans when prompts are not to be recorded (the default).</summary>
public sealed class ModelCallTelemetryTests : IAsyncLifetime
{
    private const string ContentVariable = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

    private readonly ConcurrentQueue<Activity> _calls = new();
    private FakeOpenAIServer _server = null!;
    private ActivityListener _listener = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAIServer.StartAsync();
        var port = new Uri(_server.Endpoint).Port;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SwitchboardTracing.ModelSourceName,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            // Other tests' model calls (other fake servers) use the same source: only this server's count.
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("server.port") is int p && p == port)
                {
                    _calls.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Without_RecordContent_a_model_call_is_traced_with_its_model_and_tokens_but_no_text_whatever_the_environment_says()
    {
        // The library's own switch asks for content; the provider's setting (off) wins. Harmless to tests running
        // meanwhile: every chat client here is built by the provider, which sets the switch itself.
        Environment.SetEnvironmentVariable(ContentVariable, "true");
        try
        {
            using var services = OpenAIAgentServices.Build(OpenAIAgentServices.Settings(_server.Endpoint));
            var context = new TurnContext("+15550100001", "SM1", "check my timesheet", DateTimeOffset.UnixEpoch) { Plan = new TurnPlan(Intent.Status) };
            await services.GetRequiredService<IComposer>().ComposeAsync(context, CancellationToken.None);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ContentVariable, null);
        }

        var call = Assert.Single(_calls);
        Assert.Equal(OpenAIAgentServices.Model, call.GetTagItem("gen_ai.request.model"));
        Assert.Equal(FakeOpenAIServer.PromptTokens, Convert.ToInt32(call.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(FakeOpenAIServer.CompletionTokens, Convert.ToInt32(call.GetTagItem("gen_ai.usage.output_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(call.TagObjects, t => t.Key is "gen_ai.input.messages" or "gen_ai.output.messages" or "gen_ai.system_instructions");
        Assert.DoesNotContain(call.TagObjects, t => t.Value?.ToString()?.Contains("check my timesheet", StringComparison.Ordinal) == true);
        Assert.Empty(call.Events);
    }
}
