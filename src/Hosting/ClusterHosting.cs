using System.ComponentModel.DataAnnotations;
using System.Net;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Switchboard.Hosting;

/// <summary>
/// How every Switchboard host joins the cluster, by <c>Orleans:Clustering</c>: the silo (<see cref="UseSwitchboardClustering(ISiloBuilder, SiloOptions, TableServiceClient)"/>)
/// and the stand-alone front end (<see cref="UseSwitchboardClustering(IClientBuilder, ClusterClientOptions, TableServiceClient?)"/>)
/// read the same keys and the same storage.
/// </summary>
public static partial class ClusterHosting
{
    public const string StorageConnectionName = "AzureStorage";

    /// <summary>Binds the "Orleans" section and checks it; a mistake stops the host at start with every problem named.</summary>
    public static T ReadOptions<T>(IConfiguration configuration)
        where T : ClusterSettings, new()
    {
        var options = new T();
        configuration.GetSection(ClusterSettings.Section).Bind(options);
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
        {
            throw new InvalidOperationException($"Invalid {ClusterSettings.Section} settings: {string.Join(" ", errors.Select(e => e.ErrorMessage))}");
        }

        return options;
    }

    /// <summary>
    /// Reads and checks the "Orleans" section (<see cref="ReadOptions{T}"/>), then hides <c>Orleans:Clustering</c> from
    /// Orleans itself: Orleans configures providers from its "Orleans" section, and a value there would make it look
    /// for a clustering provider named "Default" and stop the host. Switchboard configures clustering in code from the
    /// value read here. Call before UseOrleans / UseOrleansClient.
    /// </summary>
    public static T ReadClusterOptions<T>(this IHostApplicationBuilder builder)
        where T : ClusterSettings, new()
    {
        var options = ReadOptions<T>(builder.Configuration);
        var key = $"{ClusterSettings.Section}:{nameof(ClusterSettings.Clustering)}";
        if (builder.Configuration[key] is not null)
        {
            // The last source wins: a null value makes the section look absent (no value, no children).
            builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(key, null)]);
        }

        return options;
    }

    /// <summary>
    /// The one table client (one connection pool) of a host, with <see cref="StorageClientOptions"/>.
    /// <c>ConnectionStrings:AzureStorage</c> is either a connection string (Azurite, an account key) or the account's
    /// table endpoint, <c>https://ACCOUNT.table.core.windows.net</c>: then the host signs in as itself
    /// (<see cref="DefaultAzureCredential"/>: a managed identity in Azure, workload identity on Kubernetes) and no key
    /// exists to leak.
    /// </summary>
    public static TableServiceClient StorageTables(IConfiguration configuration)
    {
        var storage = configuration.GetConnectionString(StorageConnectionName);
        if (string.IsNullOrWhiteSpace(storage))
        {
            throw new InvalidOperationException(
                "ConnectionStrings:AzureStorage is not set (environment: ConnectionStrings__AzureStorage). ./run.sh starts Azurite and sets it.");
        }

        return StorageEndpoint(storage) is { } endpoint
            ? new TableServiceClient(endpoint, new DefaultAzureCredential(), StorageClientOptions())
            : new TableServiceClient(storage, StorageClientOptions());
    }

    /// <summary>The table endpoint when <paramref name="storage"/> is one (an https address), null for a connection string.</summary>
    public static Uri? StorageEndpoint(string storage) =>
        Uri.TryCreate(storage.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !storage.Contains(';', StringComparison.Ordinal)
            ? uri
            : null;

    /// <summary>
    /// The SDK's defaults (100 s per try, 3 retries) let a hung storage account hold a write, and the grain waiting on
    /// it, for minutes. A table operation answers in milliseconds when storage is well and in a few seconds when it is
    /// saturated, so 8 s per try and two retries free the grain within about 25 s; the webhook's own deadline
    /// (Webhook:AcceptTimeout) and the storage watch see a hang sooner.
    /// </summary>
    public static TableClientOptions StorageClientOptions()
    {
        var options = new TableClientOptions();
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(8);
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        return options;
    }

    /// <summary>Cluster identity, endpoints and membership of a silo.</summary>
    public static ISiloBuilder UseSwitchboardClustering(this ISiloBuilder silo, SiloOptions options, TableServiceClient tables)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        options.Tls.Apply(silo);
        if (options.Mode == ClusteringMode.Localhost)
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort);
            return silo;
        }

        if (options.Kubernetes)
        {
            // UseKubernetesHosting (called by the silo host) fills in the pod's address and listens on all interfaces.
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = options.SiloPort;
                o.GatewayPort = options.GatewayPort;
            });
        }
        else
        {
            var advertised = IPAddress.Parse(options.AdvertisedIPAddress);
            silo.ConfigureEndpoints(advertised, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
        }

        silo.UseAzureStorageClustering(o => o.TableServiceClient = tables);
        return silo;
    }

    /// <summary>
    /// The host's table client when <c>ConnectionStrings:AzureStorage</c> is set, else null: a front end on localhost
    /// clustering may run without storage.
    /// </summary>
    public static TableServiceClient? StorageTablesIfSet(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration.GetConnectionString(StorageConnectionName)) ? null : StorageTables(configuration);

    /// <summary>Cluster identity and gateway list of a client (the stand-alone front end); AzureStorage clustering needs <paramref name="tables"/>.</summary>
    public static IClientBuilder UseSwitchboardClustering(this IClientBuilder client, ClusterClientOptions options, TableServiceClient? tables)
    {
        options.Tls.Apply(client);
        if (options.Mode == ClusteringMode.Localhost)
        {
            client.UseLocalhostClustering([.. options.GatewayPorts], options.ServiceId, options.ClusterId);
        }
        else
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            var membership = tables ?? throw new InvalidOperationException(
                "Orleans:Clustering=AzureStorage needs ConnectionStrings:AzureStorage (environment: ConnectionStrings__AzureStorage).");
            client.UseAzureStorageClustering(o => o.TableServiceClient = membership);
            // The gateway list is read from the membership table; after a silo dies, learn the new list soon.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
        }

        // A front end may start before the silos (or while all are restarting): keep trying instead of exiting.
        client.UseConnectionRetryFilter<RetryConnecting>();
        return client;
    }

    private sealed partial class RetryConnecting(ILogger<RetryConnecting> logger) : IClientConnectionRetryFilter
    {
        private int _attempt;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref _attempt);
            WaitingForCluster(logger, attempt, exception.GetType().Name, exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)), cancellationToken);
            return !cancellationToken.IsCancellationRequested;
        }

        [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "No silo of the cluster answers yet (attempt {Attempt}: {Error}: {Message}); trying again")]
        private static partial void WaitingForCluster(ILogger logger, int attempt, string error, string message);
    }
}
