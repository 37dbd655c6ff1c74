using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace Switchboard.Hosting;

/// <summary>
/// <c>Orleans:Tls</c>: mutual TLS on every silo-to-silo and gateway (front end to silo) connection. Each silo and front
/// end holds the cluster's certificate with its private key (a mounted secret); a connection is accepted only from a
/// peer that proves it holds that certificate, or one listed in <see cref="AllowedThumbprints"/> (for a rotation).
/// Nobody else on the network can join the cluster or call a grain. Unset <see cref="CertificatePath"/>: plain TCP,
/// as in local runs.
/// </summary>
public sealed class ClusterTlsSettings
{
    /// <summary>A PEM certificate (a Kubernetes TLS secret's <c>tls.crt</c>, key in <see cref="KeyPath"/> or in the same file) or a PKCS#12 file (<c>.pfx</c>/<c>.p12</c>).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key (<c>tls.key</c>) when it is not in <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PKCS#12 file or of an encrypted PEM key; from a secret, never from a committed file.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// SHA-256 thumbprints (hex, comma-separated) of further certificates accepted from peers. To rotate: list the new
    /// certificate's thumbprint, roll every process; switch the certificate, roll; remove the old thumbprint, roll.
    /// </summary>
    public string? AllowedThumbprints { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    private bool IsPkcs12 => Path.GetExtension(CertificatePath ?? "") is var extension
        && (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase));

    /// <summary>What is wrong with these settings (nothing when TLS is off or the files load).</summary>
    public IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            yield break;
        }

        string? problem = null;
        try
        {
            using var certificate = LoadCertificate();
            if (!certificate.HasPrivateKey)
            {
                problem = $"{ClusterSettings.Section}:Tls:CertificatePath ({CertificatePath}) has no private key: set {ClusterSettings.Section}:Tls:KeyPath.";
            }
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            var keyHint = IsPkcs12 ? "" : $" (a PEM certificate needs its private key in the same file or in {ClusterSettings.Section}:Tls:KeyPath)";
            problem = $"{ClusterSettings.Section}:Tls: cannot load the certificate {CertificatePath}: {ex.Message}{keyHint}";
        }

        if (problem is not null)
        {
            yield return problem;
        }
    }

    /// <summary>The cluster certificate with its private key.</summary>
    public X509Certificate2 LoadCertificate()
    {
        var path = CertificatePath ?? throw new InvalidOperationException($"{ClusterSettings.Section}:Tls:CertificatePath is not set.");
        if (IsPkcs12)
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, CertificatePassword);
        }

        return string.IsNullOrEmpty(CertificatePassword)
            ? X509Certificate2.CreateFromPemFile(path, KeyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, CertificatePassword, KeyPath);
    }

    /// <summary>Certificates a peer may present: ours and <see cref="AllowedThumbprints"/>, as SHA-256 hex.</summary>
    public HashSet<string> TrustedThumbprints(X509Certificate2 own) =>
        new(
            (AllowedThumbprints ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Append(Thumbprint(own)),
            StringComparer.OrdinalIgnoreCase);

    public static string Thumbprint(X509Certificate certificate) => certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>
    /// Both ends present a certificate and accept only a trusted one. Chain and host name are not what is checked: the
    /// cluster is a closed group whose members are known by their certificate, not by a public CA.
    /// </summary>
    internal void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        var trusted = TrustedThumbprints(certificate);
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => remote is not null && trusted.Contains(Thumbprint(remote));
        options.OnAuthenticateAsClient = (_, client) => client.TargetHost = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    }

    internal void Apply(ISiloBuilder silo)
    {
        if (Enabled)
        {
            var certificate = LoadCertificate();
            silo.UseTls(certificate, options => Configure(options, certificate));
        }
    }

    internal void Apply(IClientBuilder client)
    {
        if (Enabled)
        {
            var certificate = LoadCertificate();
            client.UseTls(certificate, options => Configure(options, certificate));
        }
    }
}
