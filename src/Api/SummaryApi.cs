using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>GET /admin/summary: what is going on in the whole cluster, in one call an operator (or a probe) can make often.</summary>
public static class SummaryApi
{
    public static RouteHandlerBuilder MapSummaryApi(this RouteGroupBuilder admin) =>
        admin.MapGet("/summary", GetSummary).WithSummary("Active conversations, turns in flight, turns in the last minute, replies retrying (every silo's latest report), failed replies in the last 24 hours and opted-out numbers.");

    internal static async Task<Ok<SummaryResponse>> GetSummary(IGrainFactory grains, TimeProvider time) => TypedResults.Ok(await ReadAsync(grains, time));

    /// <summary>The summary as GET /admin/summary answers it and the console's overview shows it.</summary>
    internal static async Task<SummaryResponse> ReadAsync(IGrainFactory grains, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var activity = grains.GetGrain<IClusterActivityGrain>(IClusterActivityGrain.Key).Get();
        var failed = grains.GetGrain<IFailedRepliesGrain>(IFailedRepliesGrain.Key).CountSince(now - TimeSpan.FromHours(24));
        var optedOut = grains.GetGrain<IOptOutIndexGrain>(IOptOutIndexGrain.Key).Count();
        var cluster = await activity;
        return new SummaryResponse(
            cluster.ActiveConversations, cluster.TurnsInFlight, cluster.RepliesRetrying, await failed, cluster.Silos, cluster.OldestReport, now)
        {
            TurnsLastMinute = cluster.TurnsLastMinute,
            OptedOutNumbers = await optedOut,
        };
    }
}

/// <summary>
/// The cluster at a glance. The first three are sums of each silo's report (every 5 s, so up to that old:
/// <see cref="CountedAt"/> is the oldest report used); <see cref="FailedRepliesLast24h"/> comes from the failed-replies index.
/// </summary>
public sealed record SummaryResponse(
    int ActiveConversations,
    int TurnsInFlight,
    int RepliesRetrying,
    int FailedRepliesLast24h,
    int SilosReporting,
    DateTimeOffset? CountedAt,
    DateTimeOffset At)
{
    /// <summary>Turns finished (answered or failed) in the last minute, from the same silo reports.</summary>
    public int TurnsLastMinute { get; init; }

    /// <summary>Numbers that opted out (from the opt-out index).</summary>
    public int OptedOutNumbers { get; init; }
}
