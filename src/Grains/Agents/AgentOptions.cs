using System.ComponentModel.DataAnnotations;

namespace Switchboard.Grains.Agents;

/// <summary>Configuration section "Agents".</summary>
public sealed class AgentOptions
{
    public const string Section = "Agents";

    /// <summary>Latency added to every step, to reproduce slow LLM chains in demos and load tests.</summary>
    [Range(0, 600_000)]
    public int StepDelayMs { get; set; }

    /// <summary>Who plans and composes: <see cref="AgentProviders.Rules"/> or <see cref="AgentProviders.OpenAI"/>.</summary>
    public string Provider { get; set; } = AgentProviders.Rules;

    /// <summary>A model call, or the added delay, makes every step slow enough that its result is worth persisting.</summary>
    public bool StepsAreSlow => StepDelayMs > 0 || !string.Equals(Provider, AgentProviders.Rules, StringComparison.OrdinalIgnoreCase);
}
