namespace Switchboard.Contracts;

/// <summary>Answers when a silo serves grains and grain storage accepts a write (GET /health).</summary>
[Alias("Switchboard.IHealthProbeGrain")]
public interface IHealthProbeGrain : IGrainWithStringKey
{
    /// <summary>
    /// The probe of one purpose ("watch", "health") of this process. Keyed per process, and placed on the calling silo
    /// when there is one, so no host's health hinges on an activation on another silo that may be dying; a front end
    /// (no silo of its own) gets its own activations on some silo, moved elsewhere when that silo dies. One small row
    /// per process start stays behind in the grain state table.
    /// </summary>
    public static string KeyFor(string purpose) => $"{purpose}:{Environment.MachineName}:{Environment.ProcessId}";

    [Alias("Check")]
    Task Check();
}
