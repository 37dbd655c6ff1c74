using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Grains.Agents.OpenAI;
using Switchboard.Grains.Agents.Rules;

namespace Switchboard.Grains.Agents;

/// <summary>Agents:Provider picks who plans and composes: the built-in rules (default, offline) or a model.</summary>
public static class AgentProviders
{
    public const string ProviderKey = "Agents:Provider";
    public const string Rules = "Rules";
    public const string OpenAI = "OpenAI";

    public static IServiceCollection AddAgentProviders(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration[ProviderKey] is { Length: > 0 } configured ? configured : Rules;
        switch (provider.ToUpperInvariant())
        {
            case "RULES":
                services.AddSingleton<IPlanner, RulesPlanner>();
                services.AddSingleton<IComposer, RulesComposer>();
                break;
            case "OPENAI":
                services.AddOpenAIAgents(configuration);
                break;
            default:
                throw new InvalidOperationException($"{ProviderKey} '{provider}' is not known: use '{Rules}' or '{OpenAI}'.");
        }

        return services;
    }
}
