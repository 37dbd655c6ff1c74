namespace Switchboard.Grains.Agents.OpenAI;

/// <summary>
/// Configuration section "Agents:OpenAI": the OpenAI-compatible endpoint behind the planner and composer when
/// <c>Agents:Provider=OpenAI</c>. Checked at start by <see cref="OpenAIAgentOptionsValidator"/>.
/// </summary>
public sealed class OpenAIAgentOptions
{
    public const string Section = "Agents:OpenAI";

    /// <summary>Base URL of the API, up to and including the version segment, e.g. <c>http://127.0.0.1:1234/v1</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Model name sent with every request, e.g. <c>gpt-4o-mini</c> or a local model's id.</summary>
    public string? Model { get; set; }

    /// <summary>
    /// Sent as the bearer token. Optional because local servers ignore it; a secret: never logged. Set it through
    /// the environment (<c>Agents__OpenAI__ApiKey</c>) or a secret store, not in appsettings.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one model call may take before it fails and the conversation's step retry takes over.</summary>
    public int TimeoutSeconds { get; set; } = 60;
}
