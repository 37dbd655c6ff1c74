using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Grains.Agents.OpenAI;

namespace Switchboard.Tests.OpenAI;

/// <summary>
/// The OpenAI provider as a silo would register it, from configuration, with every log line kept so tests can
/// look for leaked secrets.
/// </summary>
public static class OpenAIAgentServices
{
    public const string Model = "switchboard-test-model";
    public const string ApiKey = "sk-test-0123456789abcdef";

    public static ServiceProvider Build(IReadOnlyDictionary<string, string?> settings, ConcurrentQueue<string>? logLines = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (logLines is not null)
            {
                logging.AddProvider(new ListLoggerProvider(logLines));
            }
        });
        services.AddOpenAIAgents(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static Dictionary<string, string?> Settings(string endpoint) => new()
    {
        ["Agents:Provider"] = "OpenAI",
        ["Agents:OpenAI:Endpoint"] = endpoint,
        ["Agents:OpenAI:Model"] = Model,
        ["Agents:OpenAI:ApiKey"] = ApiKey,
        ["Agents:OpenAI:TimeoutSeconds"] = "10",
    };

    private sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{formatter(state, exception)} {exception}");
    }
}
