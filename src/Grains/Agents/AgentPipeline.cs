using Microsoft.Extensions.DependencyInjection;

namespace Switchboard.Grains.Agents;

/// <summary>The steps of a turn, in the order they run: plan, timesheet, compose, brand, validate.</summary>
public sealed class AgentPipeline(IReadOnlyList<IAgentStep> steps)
{
    public int Count => steps.Count;

    public IAgentStep this[int index] => steps[index];

    public IReadOnlyList<string> Names { get; } = [.. steps.Select(s => s.Name)];

    public static AgentPipeline Standard(IServiceProvider services) => new(
    [
        services.GetRequiredService<PlannerStep>(),
        services.GetRequiredService<TimesheetStep>(),
        services.GetRequiredService<ComposerStep>(),
        services.GetRequiredService<BrandingStep>(),
        services.GetRequiredService<QualityStep>(),
    ]);
}
