using Orleans.Concurrency;

namespace Switchboard.Contracts;

/// <summary>
/// The numbers that opted out, kept as people opt out and back in so operators can count them (GET /admin/summary,
/// the console's overview) without scanning storage. The conversation holds the opt-out itself; this index is told
/// one-way and at best effort, and told again whenever an opted-out number texts, which repairs a lost update. One
/// per service (key <see cref="Key"/>); opting out is rare, so one activation is plenty. Bounded to <see cref="Kept"/>.
/// </summary>
[Alias("Switchboard.IOptOutIndexGrain")]
public interface IOptOutIndexGrain : IGrainWithStringKey
{
    public const string Key = "all";

    /// <summary>Numbers held at most (about 20 bytes each in storage): beyond it the count stays at this figure.</summary>
    public const int Kept = 20_000;

    [OneWay, Alias("Set")]
    Task Set(string phone, bool optedOut);

    [Alias("Count")]
    Task<int> Count();
}
