namespace Switchboard.Grains.Agents;

/// <summary>The steps of a turn, in the order they run.</summary>
public sealed class AgentPipeline(PlannerStep planner, TimesheetStep timesheet, ComposerStep composer, BrandingStep branding, QualityStep quality)
{
    private readonly IAgentStep[] _steps = [planner, timesheet, composer, branding, quality];

    public int Count => _steps.Length;

    public IAgentStep this[int index] => _steps[index];
}
