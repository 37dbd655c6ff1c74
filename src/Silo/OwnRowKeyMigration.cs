using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Switchboard.Contracts;

namespace Switchboard.Silo;

/// <summary>
/// Moves the grain state rows that versions before 2026-12 stored under the state name alone ("conversation",
/// "outbound", …) to their grain's own row key (<see cref="OwnRowKeyGrainStorage.RowName"/>), then writes a marker row
/// so that later starts read one row instead of scanning the table. Each row is copied, then the old one deleted with
/// its ETag; a copy refused because the grain already wrote its own row keeps the grain's. Until it is done, the
/// storage looks under the old keys too (<see cref="OldRowsMayExist"/>).
/// It runs while the silo starts, before the silo joins the cluster, so no grain of this version is active before the
/// rows are where it looks. A silo of an earlier version would not find a moved row (its grain would start empty), so
/// the pass waits until none is active in the membership table: a rolling update from such a version stops here, with
/// an error naming what to do (stop the earlier silos first), instead of losing state.
/// </summary>
public sealed partial class OwnRowKeyMigration(
    TableServiceClient tables,
    string serviceId,
    string grainStateTable,
    Func<string>? clusterId,
    TimeProvider time,
    ILogger<OwnRowKeyMigration> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const string MarkerPartition = "migrations";

    /// <summary>Orleans' Azure Table membership table (AzureStorageClusteringOptions' default name).</summary>
    public const string MembershipTable = "OrleansSiloInstances";

    /// <summary>How often a silo waiting for an earlier version's silos to stop looks again.</summary>
    private static readonly TimeSpan EarlierSilosCheckPeriod = TimeSpan.FromSeconds(5);

    private volatile bool _oldRowsMayExist = true;

    public bool OldRowsMayExist => _oldRowsMayExist;

    private string MarkerRow => $"{serviceId}.own-row-keys";

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(OwnRowKeyMigration), ServiceLifecycleStage.ApplicationServices, RunAsync);

    /// <summary>Until the rows are moved (or were before): a failed pass is tried again with backoff.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        for (var wait = TimeSpan.FromSeconds(1); ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(30).Ticks)))
        {
            try
            {
                var table = tables.GetTableClient(grainStateTable);
                await table.CreateIfNotExistsAsync(stoppingToken);
                if (!(await table.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, MarkerRow, select: ["RowKey"], cancellationToken: stoppingToken)).HasValue)
                {
                    if (await ActiveSilosAsync(stoppingToken) is { Count: > 0 } earlier)
                    {
                        EarlierSilosActive(logger, earlier.Count, string.Join(", ", earlier));
                        await Task.Delay(EarlierSilosCheckPeriod, time, stoppingToken);
                        continue;
                    }

                    var moved = await MoveOldRowsAsync(stoppingToken);
                    await table.UpsertEntityAsync(new TableEntity(MarkerPartition, MarkerRow) { ["Moved"] = moved }, cancellationToken: stoppingToken);
                    Moved(logger, moved);
                }

                _oldRowsMayExist = false;
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Failed(logger, wait, PhoneMask.Describe(ex));
                await Task.Delay(wait, time, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Silos active in this cluster's membership table. Asked only before the marker exists, when a silo of this version
    /// has not joined yet (each moves the rows before it joins), so every one of them is of an earlier version. A row
    /// whose heartbeat is older than <see cref="StaleAfter"/> is a silo that died with nobody left to declare it dead
    /// (the whole earlier cluster stopped abruptly): not waited for.
    /// </summary>
    public async Task<List<string>> ActiveSilosAsync(CancellationToken cancellationToken)
    {
        if (clusterId is null)
        {
            return []; // localhost clustering: this process is the cluster
        }

        var membership = tables.GetTableClient(MembershipTable);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {clusterId()} and Status eq {"Active"}");
        var active = new List<string>();
        try
        {
            await foreach (var row in membership.QueryAsync<TableEntity>(filter, select: ["RowKey", "IAmAliveTime"], cancellationToken: cancellationToken))
            {
                if (IsAlive(row.GetString("IAmAliveTime"), time.GetUtcNow()))
                {
                    active.Add(row.RowKey);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No membership table yet: no silo ever ran.
        }

        return active;
    }

    /// <summary>Orleans' own limit for a silo's missed heartbeats (2 × its 5-minute IAmAlive period).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Whether a membership row's heartbeat (Orleans writes "yyyy-MM-dd HH:mm:ss.fff GMT") is recent; an unreadable one
    /// counts as alive, so nothing is moved on a guess.
    /// </summary>
    public static bool IsAlive(string? iAmAliveTime, DateTimeOffset now) =>
        !DateTime.TryParseExact(iAmAliveTime, "yyyy-MM-dd HH:mm:ss.fff 'GMT'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var heartbeat)
        || now - new DateTimeOffset(heartbeat, TimeSpan.Zero) < StaleAfter;

    /// <summary>One pass over this service's rows: every row under an old key moved. Returns how many were.</summary>
    public async Task<int> MoveOldRowsAsync(CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(grainStateTable);

        // Orleans keys a grain's row "{ServiceId}_{grain id}" (sanitized, '/' written as '_'); an own row key always has
        // a '_' ("{state name}_{hash}"), a state name never does.
        var prefix = OwnRowKeyGrainStorage.TableKey(serviceId) + "_";
        var (low, high) = TableRetentionStore.PrefixRange(prefix);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {low} and PartitionKey lt {high}");
        var old = new List<(string Partition, string Row)>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (!row.RowKey.Contains('_'))
            {
                old.Add((row.PartitionKey, row.RowKey));
            }
        }

        var moved = 0;
        foreach (var (partition, rowKey) in old)
        {
            if (await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken) is not { HasValue: true, Value: { } row })
            {
                continue;
            }

            var copy = new TableEntity(partition, OwnRowKeyGrainStorage.RowName(rowKey, partition[prefix.Length..]));
            foreach (var (name, value) in row)
            {
                if (name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
                {
                    copy[name] = value;
                }
            }

            try
            {
                await table.AddEntityAsync(copy, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // The grain adopted the old row and already stored it under its own key: that copy is newer.
            }

            try
            {
                await table.DeleteEntityAsync(partition, rowKey, row.ETag, cancellationToken);
                moved++;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Gone already, or rewritten since it was read by a silo of an earlier version.
            }
        }

        return moved;
    }

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Grain state rows of an earlier version moved to their own row keys: {Count}")]
    private static partial void Moved(ILogger logger, int count);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Error, Message = "{Count} silo(s) of an earlier version are active ({Silos}): this version moves grain state rows those would no longer find. Waiting until they are stopped; stop them first (docs/operations.md, \"Upgrades\")")]
    private static partial void EarlierSilosActive(ILogger logger, int count, string silos);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Moving grain state rows of an earlier version failed; trying again in {Wait}: {Error}")]
    private static partial void Failed(ILogger logger, TimeSpan wait, string error);
}
