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

    /// <summary>
    /// Most tokens (input and output) one turn's model calls may spend. A turn that has spent them makes no further
    /// model call and ends with the apology. Unset: no limit.
    /// </summary>
    [Range(typeof(long), "1", "1000000000000")]
    public long? MaxTokensPerTurn { get; set; }

    /// <summary>
    /// Most tokens the whole service's model calls may spend in one UTC day; past it the Rules provider plans and
    /// composes until the next day. Unset: no limit.
    /// </summary>
    [Range(typeof(long), "1", "1000000000000")]
    public long? DailyTokenBudget { get; set; }

    /// <summary>A model plans and composes (not the built-in rules).</summary>
    public bool UsesModel => !string.Equals(Provider, AgentProviders.Rules, StringComparison.OrdinalIgnoreCase);

    /// <summary>A model call, or the added delay, makes every step slow enough that its result is worth persisting.</summary>
    public bool StepsAreSlow => StepDelayMs > 0 || UsesModel;
}
