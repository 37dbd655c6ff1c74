using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Switchboard.Hosting;

namespace Switchboard.Tests.Cluster;

/// <summary>The "Orleans" section: Orleans:Clustering takes exactly two values, and a mistake stops the host with a clear message.</summary>
public sealed class ClusterSettingsTests
{
    [Theory]
    [InlineData(null, ClusteringMode.Localhost)]
    [InlineData("", ClusteringMode.Localhost)]
    [InlineData("Localhost", ClusteringMode.Localhost)]
    [InlineData("AzureStorage", ClusteringMode.AzureStorage)]
    [InlineData(" azurestorage ", ClusteringMode.AzureStorage)]
    public void Clustering_accepts_Localhost_and_AzureStorage(string? value, ClusteringMode expected)
    {
        Assert.Equal(expected, ClusterHosting.ReadOptions<SiloOptions>(Configuration(("Orleans:Clustering", value))).Mode);
        Assert.Equal(expected, ClusterHosting.ReadOptions<ClusterClientOptions>(Configuration(("Orleans:Clustering", value))).Mode);
    }

    [Theory]
    [InlineData("Kubernetes")]
    [InlineData("Azure")]
    [InlineData("1")]
    [InlineData("Localhost,AzureStorage")]
    public void Any_other_clustering_stops_the_host_naming_the_key_and_both_values(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ClusterHosting.ReadOptions<SiloOptions>(Configuration(("Orleans:Clustering", value))));
        Assert.Contains($"Orleans:Clustering must be Localhost or AzureStorage, not '{value}'", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => ClusterHosting.ReadOptions<ClusterClientOptions>(Configuration(("Orleans:Clustering", value))));
    }

    [Fact]
    public void Other_silo_settings_are_checked_too()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ClusterHosting.ReadOptions<SiloOptions>(Configuration(
            ("Orleans:AdvertisedIPAddress", "not-an-address"), ("Orleans:Kubernetes", "true"), ("Orleans:SiloPort", "30000"))));
        Assert.Contains("Orleans:AdvertisedIPAddress must be an IP address", error.Message, StringComparison.Ordinal);
        Assert.Contains("Orleans:Kubernetes needs Orleans:Clustering=AzureStorage", error.Message, StringComparison.Ordinal);
        Assert.Contains("must differ", error.Message, StringComparison.Ordinal);

        var silo = ClusterHosting.ReadOptions<SiloOptions>(Configuration());
        Assert.Equal(("127.0.0.1", false, 11111, 30000, "switchboard"), (silo.AdvertisedIPAddress, silo.Kubernetes, silo.SiloPort, silo.GatewayPort, silo.ServiceId));
    }

    [Theory]
    [InlineData("https://acct.table.core.windows.net", true, "acct")]
    [InlineData(" https://acct.table.core.windows.net/ ", true, "acct")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net", false, "acct")]
    [InlineData("UseDevelopmentStorage=true", false, "devstoreaccount1")]
    public void Storage_given_as_a_table_endpoint_is_reached_with_the_host_identity(string storage, bool identity, string account)
    {
        Assert.Equal(identity, ClusterHosting.StorageEndpoint(storage) is not null);
        Assert.Equal(account, ClusterHosting.StorageTables(Configuration(("ConnectionStrings:AzureStorage", storage))).AccountName);
    }

    [Fact]
    public void A_front_end_on_localhost_takes_a_list_of_gateway_ports()
    {
        Assert.Equal([30000, 30001], ClusterHosting.ReadOptions<ClusterClientOptions>(Configuration(("Orleans:GatewayPort", "30000, 30001"))).GatewayPorts);
        var error = Assert.Throws<InvalidOperationException>(() => ClusterHosting.ReadOptions<ClusterClientOptions>(Configuration(("Orleans:GatewayPort", "30000;x"))));
        Assert.Contains("Orleans:GatewayPort must list the silos' gateway ports", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_clustering_key_is_read_then_hidden_from_Orleans_own_provider_configuration()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection([new("Orleans:Clustering", "AzureStorage"), new("Orleans:ClusterId", "c1")]);
        var options = builder.ReadClusterOptions<SiloOptions>();
        Assert.Equal(ClusteringMode.AzureStorage, options.Mode);
        Assert.False(builder.Configuration.GetSection("Orleans:Clustering").Exists());
        Assert.Equal("c1", builder.Configuration["Orleans:ClusterId"]);
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
