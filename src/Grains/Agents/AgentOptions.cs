using System.ComponentModel.DataAnnotations;

namespace Switchboard.Grains.Agents;

/// <summary>Configuration section "Agents".</summary>
public sealed class AgentOptions
{
    public const string Section = "Agents";

    /// <summary>Latency added to every step, to reproduce slow LLM chains in demos and load tests.</summary>
    [Range(0, 600_000)]
    public int StepDelayMs { get; set; }
}
