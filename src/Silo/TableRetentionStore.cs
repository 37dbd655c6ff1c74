using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Orleans.Configuration;
using Switchboard.Contracts;
using Switchboard.Grains.Outbound;
using Switchboard.Grains.Retention;

namespace Switchboard.Silo;

/// <summary>
/// The retention sweep's queries on Azure Table storage. Both are range queries over this service's partitions with
/// a server-side filter, so only expired rows come back; the service scans its partitions once per sweep (daily by
/// default), never on the message path.
/// </summary>
public sealed class TableRetentionStore(TableServiceClient tables, string serviceId, string grainStateTable, IGrainFactory grains) : IRetentionStore
{
    public async Task<int> DeleteHistoryBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(TableConversationHistory.TableName);
        await table.CreateIfNotExistsAsync(cancellationToken);

        // Partitions are "{ServiceId}_{conversation key}": the whole "{ServiceId}_" prefix, whatever the key looks like
        // (another channel's keys too). A service whose id is this one's plus "_..." shares the prefix: keep ids distinct.
        var (from, to) = PrefixRange($"{serviceId}_");
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to} and CompletedAt lt {cutoff.UtcDateTime}");
        var deleted = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            try
            {
                // With the row's ETag: a slot a new turn has just overwritten is not deleted.
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                deleted++;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Gone already, or rewritten by a new turn since the query.
            }
        }

        return deleted;
    }

    // Row keys "outbound_{hash}", and "outbound" alone for records an earlier version stored (OwnRowKeyMigration).
    public IAsyncEnumerable<string> OutboundWrittenBetweenAsync(DateTimeOffset? from, DateTimeOffset to, CancellationToken cancellationToken) =>
        StateRowsWrittenBetweenAsync(grains.GetGrain<IOutboundSmsGrain>("+").GetGrainId().Type.ToString(), OutboundSmsGrain.StateName, from, to, cancellationToken);

    public IAsyncEnumerable<string> ConversationsWrittenBetweenAsync(DateTimeOffset? from, DateTimeOffset to, CancellationToken cancellationToken) =>
        StateRowsWrittenBetweenAsync(grains.GetGrain<IConversationGrain>("+").GetGrainId().Type.ToString(), "conversation", from, to, cancellationToken);

    /// <summary>
    /// Keys of the grains of <paramref name="grainType"/> whose state <paramref name="stateName"/> was last written in
    /// [from, to). Orleans' Azure Table grain storage keys a record "{ServiceId}_{grain type}/{key}" with '/' written as
    /// '_', the row key starts with the state's name; Timestamp is the table's own last-write time.
    /// </summary>
    private async IAsyncEnumerable<string> StateRowsWrittenBetweenAsync(
        string grainType, string stateName, DateTimeOffset? from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prefix = $"{serviceId}_{grainType}_";
        var (low, high) = PrefixRange(prefix);
        var (rowLow, rowHigh) = PrefixRange(stateName);
        var filter = from is { } since
            ? TableClient.CreateQueryFilter($"PartitionKey ge {low} and PartitionKey lt {high} and RowKey ge {rowLow} and RowKey lt {rowHigh} and Timestamp ge {since.UtcDateTime} and Timestamp lt {to.UtcDateTime}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {low} and PartitionKey lt {high} and RowKey ge {rowLow} and RowKey lt {rowHigh} and Timestamp lt {to.UtcDateTime}");
        var table = tables.GetTableClient(grainStateTable);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            yield return row.PartitionKey[prefix.Length..];
        }
    }

    /// <summary>Keys starting with <paramref name="prefix"/>: from the prefix up to (not including) its last character plus one.</summary>
    internal static (string From, string To) PrefixRange(string prefix) => (prefix, prefix[..^1] + (char)(prefix[^1] + 1));
}
