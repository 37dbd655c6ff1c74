using Azure;
using Azure.Data.Tables;
using Switchboard.Contracts;
using Switchboard.Grains.Outbound;

namespace Switchboard.Silo;

/// <summary>
/// Moves outbound records stored by versions before 2026-12 (every message under the row key
/// <see cref="OutboundSmsGrain.StateName"/>) to their own row key (<see cref="OutboundSmsGrain.RowNameOf"/>), once at
/// start-up; until it has, message grains look under the old key too (<see cref="ILegacyOutboundRows"/>). A store that
/// has none costs one empty query. Each row is copied, then the old one deleted with its ETag; a copy refused because
/// the grain already wrote its own row keeps the grain's. Run this version's silos only: a silo of an earlier version
/// would go on writing under the old key.
/// </summary>
public sealed partial class OutboundRowMigration(
    TableServiceClient tables,
    string serviceId,
    string grainStateTable,
    IGrainFactory grains,
    TimeProvider time,
    ILogger<OutboundRowMigration> logger) : BackgroundService, ILegacyOutboundRows
{
    private volatile bool _mayExist = true;

    public bool MayExist => _mayExist;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var wait = TimeSpan.FromSeconds(1); ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromMinutes(5).Ticks)))
        {
            try
            {
                var moved = await MoveLegacyRowsAsync(stoppingToken);
                _mayExist = false;
                if (moved > 0)
                {
                    Moved(logger, moved);
                }

                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Failed(logger, wait, PhoneMask.Describe(ex));
                await Task.Delay(wait, time, stoppingToken);
            }
        }
    }

    /// <summary>One pass over the table: every row under the old key moved. Returns how many were.</summary>
    public async Task<int> MoveLegacyRowsAsync(CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(grainStateTable);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var prefix = TableRetentionStore.OutboundPartitionPrefix(serviceId, grains);
        var (low, high) = TableRetentionStore.PrefixRange(prefix);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {low} and PartitionKey lt {high} and RowKey eq {OutboundSmsGrain.StateName}");
        var moved = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var id = grains.GetGrain<IOutboundSmsGrain>(row.PartitionKey[prefix.Length..]).GetGrainId();
            var copy = new TableEntity(row.PartitionKey, OutboundSmsGrain.RowNameOf(id));
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
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                moved++;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Gone already, or rewritten since the query by a silo of an earlier version: left for the next start.
            }
        }

        return moved;
    }

    public static OutboundRowMigration Create(IServiceProvider services, TableServiceClient tables) => new(
        tables,
        services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.ClusterOptions>>().Value.ServiceId,
        services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Orleans.Configuration.AzureTableStorageOptions>>().Get(StorageNames.State).TableName,
        services.GetRequiredService<IGrainFactory>(),
        services.GetRequiredService<TimeProvider>(),
        services.GetRequiredService<ILogger<OutboundRowMigration>>());

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "{Count} outbound records of an earlier version moved to their own row keys")]
    private static partial void Moved(ILogger logger, int count);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Moving outbound records of an earlier version failed; trying again in {Wait}: {Error}")]
    private static partial void Failed(ILogger logger, TimeSpan wait, string error);
}
