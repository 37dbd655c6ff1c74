namespace Switchboard.Contracts;

/// <summary>Answers when a silo serves grains and grain storage accepts a write (GET /health).</summary>
[Alias("Switchboard.IHealthProbeGrain")]
public interface IHealthProbeGrain : IGrainWithStringKey
{
    [Alias("Check")]
    Task Check();
}
