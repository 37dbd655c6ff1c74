namespace Switchboard.Grains.Outbound;

/// <summary>
/// Whether outbound records may still sit where versions before 2026-12 stored them: every message under the one row
/// key <see cref="OutboundSmsGrain.StateName"/> instead of its own (<see cref="OutboundSmsGrain.RowNameOf"/>). While
/// they may, a message's grain looks there too. The silo moves them at start-up and then answers false; a host that
/// stores nothing from those versions (tests, benchmarks) registers <see cref="None"/>.
/// </summary>
public interface ILegacyOutboundRows
{
    bool MayExist { get; }

    public static readonly ILegacyOutboundRows None = new NoLegacyRows();

    private sealed class NoLegacyRows : ILegacyOutboundRows
    {
        public bool MayExist => false;
    }
}
