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

    /// <summary>
    /// Puts the prompts and the model's answers (the SMS text, the turn's facts, the reply) on the gen_ai spans, with
    /// phone numbers and other long digit runs masked like every exported value. Off by default: traces carry the
    /// model, token counts and finish reason only.
    /// </summary>
    public bool RecordContent { get; set; }

    /// <summary>Price of a million input tokens, in the currency of your choice: with it, switchboard_model_cost_total counts.</summary>
    public double? InputPricePerMillion { get; set; }

    /// <summary>Price of a million output tokens, same currency as <see cref="InputPricePerMillion"/>.</summary>
    public double? OutputPricePerMillion { get; set; }

    /// <summary>The estimated cost of a call's tokens, or null when no price is configured.</summary>
    public double? Cost(long inputTokens, long outputTokens) =>
        InputPricePerMillion is null && OutputPricePerMillion is null
            ? null
            : ((inputTokens * (InputPricePerMillion ?? 0)) + (outputTokens * (OutputPricePerMillion ?? 0))) / 1_000_000;
}
