namespace Switchboard.Grains.Agents.Tokens;

/// <summary>Tokens a model call (or several) read and wrote, as the endpoint reported them.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TokenUsage")]
public sealed record TokenUsage(long InputTokens, long OutputTokens)
{
    public static TokenUsage None { get; } = new(0, 0);

    public long Total => InputTokens + OutputTokens;

    public TokenUsage Plus(TokenUsage? other) =>
        other is null ? this : new(InputTokens + other.InputTokens, OutputTokens + other.OutputTokens);
}
