using Microsoft.Extensions.Options;

namespace Switchboard.Grains.Agents;

/// <summary>Applies the company's voice and sign-off.</summary>
public sealed class BrandingStep(IOptions<AgentOptions> options) : IAgentStep
{
    public string Name => "brand";

    public Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var draft = context.Draft ?? throw new InvalidOperationException("The branding step needs a draft.");
        return Task.FromResult(context with { Reply = $"{draft} - {options.Value.CompanyName}" });
    }
}
