using System.ClientModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.OpenAI;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.OpenAI;

public sealed class ProviderFailureTests
{
    [Fact]
    public async Task An_unreachable_endpoint_throws_so_the_conversation_retries_the_step()
    {
        using var services = OpenAIAgentServices.Build(OpenAIAgentServices.Settings($"http://127.0.0.1:{FreePorts.Next()}/v1"));
        var planner = services.GetRequiredService<IPlanner>();
        var composer = services.GetRequiredService<IComposer>();
        var context = new TurnContext("+15550100001", "SM1", "status", DateTimeOffset.UnixEpoch) { Plan = new TurnPlan(Intent.Status) };

        // The step's failure, not a made-up plan: the conversation's retry policy takes it from here.
        await Assert.ThrowsAsync<ClientResultException>(() => planner.PlanAsync(new PlanningInput("status", new DateOnly(2026, 11, 25)), CancellationToken.None));
        await Assert.ThrowsAsync<ClientResultException>(() => composer.ComposeAsync(context, CancellationToken.None));
    }

    [Fact]
    public async Task A_server_error_throws_after_a_single_attempt()
    {
        await using var server = await FakeOpenAIServer.StartAsync();
        server.FailWithStatus = 503;
        using var services = OpenAIAgentServices.Build(OpenAIAgentServices.Settings(server.Endpoint));

        var failure = await Assert.ThrowsAsync<ClientResultException>(
            () => services.GetRequiredService<IPlanner>().PlanAsync(new PlanningInput("status", new DateOnly(2026, 11, 25)), CancellationToken.None));

        Assert.Equal(503, failure.Status);
        // One attempt: retrying belongs to the conversation, with its durable backoff.
        Assert.Single(server.Requests);
        Assert.DoesNotContain(OpenAIAgentServices.ApiKey, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Provider_OpenAI_without_an_endpoint_fails_at_start_with_a_clear_message()
    {
        var settings = OpenAIAgentServices.Settings("unused");
        settings.Remove("Agents:OpenAI:Endpoint");
        using var services = OpenAIAgentServices.Build(settings);

        // What the host runs before it starts (ValidateOnStart).
        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Agents:OpenAI:Endpoint is required when Agents:Provider=OpenAI", failure.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IPlanner>());
    }

    [Theory]
    [InlineData("Agents:OpenAI:Model", null, "Agents:OpenAI:Model is required")]
    [InlineData("Agents:OpenAI:Endpoint", "127.0.0.1:1234/v1", "Agents:OpenAI:Endpoint must be an absolute http or https URL")]
    [InlineData("Agents:OpenAI:TimeoutSeconds", "0", "Agents:OpenAI:TimeoutSeconds must be between 1 and 600")]
    [InlineData("Agents:OpenAI:OutputPricePerMillion", "-0.6", "Agents:OpenAI:InputPricePerMillion and OutputPricePerMillion must not be negative")]
    public void Other_bad_settings_fail_validation_naming_the_key(string key, string? value, string message)
    {
        var settings = OpenAIAgentServices.Settings("http://127.0.0.1:1234/v1");
        settings[key] = value;
        using var services = OpenAIAgentServices.Build(settings);

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OpenAIAgentOptions>>().Value);

        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(OpenAIAgentServices.ApiKey, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_settings_pass_validation_without_an_api_key()
    {
        var settings = OpenAIAgentServices.Settings("http://127.0.0.1:1234/v1");
        settings.Remove("Agents:OpenAI:ApiKey");
        using var services = OpenAIAgentServices.Build(settings);

        services.GetRequiredService<IStartupValidator>().Validate();
        Assert.IsType<ChatPlanner>(services.GetRequiredService<IPlanner>());
        Assert.IsType<ChatComposer>(services.GetRequiredService<IComposer>());
    }
}
