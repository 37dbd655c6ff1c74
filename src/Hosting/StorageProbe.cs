using Azure.Data.Tables;

namespace Switchboard.Hosting;

/// <summary>
/// One small write straight to the storage account that holds grain state: an upsert of a single row of the
/// <see cref="TableName"/> table, shared by every host (no row per process is left behind). It goes through no silo, so
/// a silo dying while a probe is in flight cannot make storage look down.
/// </summary>
public sealed class StorageProbe(TableServiceClient tables, TimeProvider time)
{
    public const string TableName = "SwitchboardHealth";

    private volatile bool _tableExists;

    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(TableName);
        if (!_tableExists)
        {
            // Until one creation succeeds: a creation that failed (storage down at start) is simply tried again.
            await table.CreateIfNotExistsAsync(cancellationToken);
            _tableExists = true;
        }

        var row = new TableEntity("storage-watch", "last") { ["WrittenAt"] = time.GetUtcNow() };
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }
}
