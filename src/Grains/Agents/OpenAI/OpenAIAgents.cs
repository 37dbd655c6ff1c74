using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenAI;
using Switchboard.Contracts;
using Switchboard.Grains.Agents.Tokens;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// Registers the OpenAI provider (<c>Agents:Provider=OpenAI</c>): the chat client, planner and composer. The chat
/// client is a pipeline: token accounting and budgets (<see cref="TokenAccountingChatClient"/>), then
/// Microsoft.Extensions.AI's OpenTelemetry layer (a gen_ai span and metrics per model call), then the OpenAI client.
/// </summary>
public static class OpenAIAgents
{
    /// <summary>Sent when no API key is configured: the client insists on one and local servers ignore it.</summary>
    private const string NoApiKey = "no-key";

    public static IServiceCollection AddOpenAIAgents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OpenAIAgentOptions>().Bind(configuration.GetSection(OpenAIAgentOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenAIAgentOptions>, OpenAIAgentOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DailyTokenBudget>();

        // Read here, as the layer is built before any options are: the same key the options bind.
        var recordContent = configuration.GetValue<bool>($"{OpenAIAgentOptions.Section}:{nameof(OpenAIAgentOptions.RecordContent)}");
        services.AddChatClient(CreateChatClient)
            .Use((inner, sp) => new TokenAccountingChatClient(
                inner, sp.GetRequiredService<DailyTokenBudget>(), sp.GetRequiredService<IOptions<OpenAIAgentOptions>>().Value))
            // No logger: a failed call is logged once, by the step that made it (and the planner's handled refusal not at all).
            // Content only when asked for, whatever OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT says.
            .UseOpenTelemetry(NullLoggerFactory.Instance, SwitchboardTracing.ModelSourceName, client => client.EnableSensitiveData = recordContent);

        services.AddSingleton<ChatPlanner>();
        services.AddSingleton<ChatComposer>();
        if (configuration.GetValue<long?>($"{AgentOptions.Section}:{nameof(AgentOptions.DailyTokenBudget)}") is null)
        {
            services.AddSingleton<IPlanner>(sp => sp.GetRequiredService<ChatPlanner>());
            services.AddSingleton<IComposer>(sp => sp.GetRequiredService<ChatComposer>());
        }
        else
        {
            services.AddSingleton<DailyBudgetFallback>();
            services.AddSingleton<IPlanner>(sp => sp.GetRequiredService<DailyBudgetFallback>());
            services.AddSingleton<IComposer>(sp => sp.GetRequiredService<DailyBudgetFallback>());
        }

        return services;
    }

    private static IChatClient CreateChatClient(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<OpenAIAgentOptions>>().Value;
        var endpoint = new Uri(options.Endpoint!.TrimEnd('/'));
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            // No retries here: the conversation retries a failed step with its own backoff, durably; retrying
            // inside the call as well would multiply the attempts and hold the worker for minutes.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        var hasApiKey = !string.IsNullOrEmpty(options.ApiKey);
        var credential = new ApiKeyCredential(hasApiKey ? options.ApiKey! : NoApiKey);

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OpenAIAgents));
        // Scheme, host, port and path only: user:pass@ in the URL or a key in its query must not reach the logs.
        var logged = endpoint.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        OpenAIAgentLog.Configured(logger, options.Model!, logged, hasApiKey);

        return new OpenAIClient(credential, clientOptions).GetChatClient(options.Model!).AsIChatClient();
    }
}
