namespace Switchboard.Grains.Agents;

/// <summary>Applies the company's voice and sign-off (Branding:*), in GSM-7 where possible so a reply stays in one segment.</summary>
public sealed class BrandingStep(Branding branding) : IAgentStep
{
    public string Name => "brand";

    public Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var draft = context.Draft ?? throw new InvalidOperationException("The branding step needs a draft.");
        return Task.FromResult(context with { Reply = branding.Apply(draft, context.Outcome?.EmployeeName) });
    }
}
