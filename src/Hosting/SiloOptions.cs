using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Switchboard.Hosting;

/// <summary>How a host finds the cluster: <c>Orleans:Clustering</c>.</summary>
public enum ClusteringMode
{
    /// <summary>One silo on loopback (./run.sh, tests): no membership table.</summary>
    Localhost,

    /// <summary>Azure Table membership (table OrleansSiloInstances on ConnectionStrings:AzureStorage): any number of silos.</summary>
    AzureStorage,
}

/// <summary>What silos and front ends read alike from the "Orleans" section.</summary>
public abstract class ClusterSettings : IValidatableObject
{
    public const string Section = "Orleans";

    /// <summary><c>Localhost</c> (also when empty) or <c>AzureStorage</c>, case-insensitive. Read as text so that a typo gets a clear message.</summary>
    public string Clustering { get; set; } = nameof(ClusteringMode.Localhost);

    /// <summary>Silos (and their clients) with the same ClusterId form one cluster.</summary>
    [Required]
    public string ClusterId { get; set; } = "switchboard-dev";

    /// <summary>
    /// Keys everything stored: grain state, reminders, the ConversationHistory partitions. Changing it orphans what is
    /// stored under the old value.
    /// </summary>
    [Required]
    public string ServiceId { get; set; } = "switchboard";

    /// <summary><c>Orleans:Tls</c>: mutual TLS between silos and from front ends (off unless a certificate is set).</summary>
    public ClusterTlsSettings Tls { get; set; } = new();

    public ClusteringMode Mode => ParseClustering(Clustering) ?? ClusteringMode.Localhost;

    public virtual IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ParseClustering(Clustering) is null)
        {
            yield return new ValidationResult(
                $"{Section}:Clustering must be {nameof(ClusteringMode.Localhost)} or {nameof(ClusteringMode.AzureStorage)}, not '{Clustering}'.",
                [nameof(Clustering)]);
        }

        foreach (var problem in Tls.Problems())
        {
            yield return new ValidationResult(problem, [nameof(Tls)]);
        }
    }

    /// <summary>
    /// The mode named by <paramref name="value"/> (empty: the default, Localhost), or null for anything else (no numbers,
    /// no lists).
    /// </summary>
    public static ClusteringMode? ParseClustering(string? value) =>
        string.IsNullOrWhiteSpace(value) ? ClusteringMode.Localhost
        : Enum.GetValues<ClusteringMode>().Where(m => m.ToString().Equals(value.Trim(), StringComparison.OrdinalIgnoreCase)).Cast<ClusteringMode?>().FirstOrDefault();
}

/// <summary>Configuration section "Orleans" as a silo reads it: where it listens and which cluster it joins.</summary>
public sealed class SiloOptions : ClusterSettings
{
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// AzureStorage clustering: the address this silo publishes in the membership table, which the other silos and the
    /// front ends connect to. Loopback (the default) is right for every process on one machine; a non-loopback address
    /// also makes the silo listen on all interfaces. Ignored with <see cref="Kubernetes"/> (the pod's IP is used).
    /// </summary>
    [Required]
    public string AdvertisedIPAddress { get; set; } = IPAddress.Loopback.ToString();

    /// <summary>
    /// Calls Orleans' UseKubernetesHosting(): silo name from POD_NAME, advertised address from POD_IP, listens on all
    /// interfaces, namespace from POD_NAMESPACE; the service account may also delete pods of silos declared dead. Needs AzureStorage clustering.
    /// </summary>
    public bool Kubernetes { get; set; }

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in base.Validate(validationContext))
        {
            yield return result;
        }

        if (!IPAddress.TryParse(AdvertisedIPAddress, out _))
        {
            yield return new ValidationResult($"{Section}:AdvertisedIPAddress must be an IP address, not '{AdvertisedIPAddress}'.", [nameof(AdvertisedIPAddress)]);
        }

        if (SiloPort == GatewayPort)
        {
            yield return new ValidationResult($"{Section}:SiloPort and {Section}:GatewayPort must differ (both {SiloPort}).", [nameof(GatewayPort)]);
        }

        if (Kubernetes && ParseClustering(Clustering) == ClusteringMode.Localhost)
        {
            yield return new ValidationResult($"{Section}:Kubernetes needs {Section}:Clustering=AzureStorage: localhost clustering is one process.", [nameof(Kubernetes)]);
        }
    }
}

/// <summary>
/// Configuration section "Orleans" as a stand-alone front end (an Orleans client) reads it. With AzureStorage clustering
/// it finds the gateways in the membership table; with Localhost, <see cref="GatewayPort"/> lists the silos' gateway
/// ports on loopback, comma-separated ("30000" or "30000,30001").
/// </summary>
public sealed class ClusterClientOptions : ClusterSettings
{
    public string GatewayPort { get; set; } = "30000";

    public IReadOnlyList<int> GatewayPorts => [.. ParsePorts(GatewayPort).OfType<int>()];

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in base.Validate(validationContext))
        {
            yield return result;
        }

        var ports = ParsePorts(GatewayPort);
        if (Mode == ClusteringMode.Localhost && (ports.Count == 0 || ports.Any(p => p is null)))
        {
            yield return new ValidationResult(
                $"{Section}:GatewayPort must list the silos' gateway ports, comma-separated (\"30000,30001\"), not '{GatewayPort}'.", [nameof(GatewayPort)]);
        }
    }

    private static List<int?> ParsePorts(string? value) =>
        [.. (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port : (int?)null)];
}
