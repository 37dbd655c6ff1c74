using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>Registers the OpenAI provider (<c>Agents:Provider=OpenAI</c>): the chat client, planner and composer.</summary>
public static class OpenAIAgents
{
    /// <summary>Sent when no API key is configured: the client insists on one and local servers ignore it.</summary>
    private const string NoApiKey = "no-key";

    public static IServiceCollection AddOpenAIAgents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OpenAIAgentOptions>().Bind(configuration.GetSection(OpenAIAgentOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenAIAgentOptions>, OpenAIAgentOptionsValidator>());

        services.AddChatClient(CreateChatClient);
        services.AddSingleton<IPlanner, ChatPlanner>();
        services.AddSingleton<IComposer, ChatComposer>();
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
