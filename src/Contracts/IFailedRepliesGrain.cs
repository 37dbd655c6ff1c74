namespace Switchboard.Contracts;

/// <summary>
/// The index of outbound messages that did not reach the person (rejected by Twilio, given up after retries, reported
/// failed or undelivered), newest last, kept as they fail so operators can list them without scanning storage. One
/// per service (key <see cref="Key"/>); failures are rare, so one activation is plenty. Bounded to <see cref="Kept"/>.
/// </summary>
[Alias("Switchboard.IFailedRepliesGrain")]
public interface IFailedRepliesGrain : IGrainWithStringKey
{
    public const string Key = "all";
    public const int Kept = 5000;

    [Alias("Add")]
    Task Add(FailedReply reply);

    /// <summary>Newest first: <paramref name="skip"/> and <paramref name="take"/> page through them.</summary>
    /// <summary>A reply given up on that Twilio delivered after all (a late callback): no longer failed.</summary>
    [Alias("Remove")]
    Task Remove(string id);

    [Alias("List")]
    Task<FailedRepliesPage> List(int skip, int take);

    /// <summary>How many failed at or after <paramref name="since"/> (GET /admin/summary: the last 24 hours).</summary>
    [Alias("CountSince")]
    Task<int> CountSince(DateTimeOffset since);
}

[GenerateSerializer, Immutable, Alias("Switchboard.FailedReply")]
public sealed record FailedReply(string Id, string To, DeliveryStatus Status, string? ErrorCode, int Attempts, DateTimeOffset At);

[GenerateSerializer, Immutable, Alias("Switchboard.FailedRepliesPage")]
public sealed record FailedRepliesPage(int Total, IReadOnlyList<FailedReply> Items);
