using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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

    /// <summary>
    /// Registers the probe of a host whose storage is configured (<c>ConnectionStrings:AzureStorage</c>), on the
    /// host's own table client when given; a front end on localhost clustering without storage has none. The first
    /// registration wins.
    /// </summary>
    public static IServiceCollection AddStorageProbe(IServiceCollection services, IConfiguration configuration, TableServiceClient? tables = null)
    {
        if (tables is not null || !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ClusterHosting.StorageConnectionName)))
        {
            services.TryAddSingleton(sp => new StorageProbe(tables ?? ClusterHosting.StorageTables(configuration), sp.GetRequiredService<TimeProvider>()));
        }

        return services;
    }
}
