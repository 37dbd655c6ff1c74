using System.Xml.Linq;
using Azure.Data.Tables;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Switchboard.Hosting;

/// <summary>
/// ASP.NET Core data protection keys (which seal the operator console's session cookies and form tokens) in the
/// service's table storage, one partition per Orleans ServiceId: every front end and silo of a service reads what any
/// of them sealed, and a restart logs nobody out. Without it each process keeps keys of its own, and a console behind
/// two front ends loses its session, or refuses its forms, whenever a request lands on the other one.
/// </summary>
public static class TableKeyRing
{
    public const string TableName = "DataProtectionKeys";

    /// <summary>Shared by every Switchboard host, so each reads the others' cookies.</summary>
    public const string ApplicationName = "switchboard";

    public static IServiceCollection AddTableKeyRing(this IServiceCollection services, TableServiceClient tables)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<ClusterOptions>>((o, cluster) =>
            o.XmlRepository = new TableXmlRepository(tables.GetTableClient(TableName), cluster.Value.ServiceId));
        return services;
    }
}

/// <summary>One row per key (the key's XML; keys are small and few: one is made every 90 days).</summary>
public sealed class TableXmlRepository(TableClient table, string partition) : IXmlRepository
{
    private const string Column = "Xml";

    private readonly Lazy<TableClient> _table = new(() =>
    {
        table.CreateIfNotExists();
        return table;
    });

    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. _table.Value.Query<TableEntity>(e => e.PartitionKey == partition).Select(e => XElement.Parse(e.GetString(Column)))];

    public void StoreElement(XElement element, string friendlyName) =>
        _table.Value.UpsertEntity(new TableEntity(partition, friendlyName) { [Column] = element.ToString(SaveOptions.DisableFormatting) });
}
