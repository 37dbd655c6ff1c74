using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Contracts;
using Switchboard.Hosting;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Orleans:Tls with real processes on Azurite: two silos and a front end holding the cluster certificate form one
/// cluster and answer a text; an Orleans client without that certificate, or with another one, cannot call a grain.
/// </summary>
public sealed class ClusterTlsTests : IAsyncLifetime
{
    private const string AuthToken = "tls-test-auth-token";
    private const string AdminKey = "tls-test-admin-key-0123456789";
    private readonly AzuriteFixture _azurite = new();
    private readonly FakeTwilioServer _twilio = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("switchboard-tls-").FullName;
    private readonly string _clusterId = $"tls-test-{Guid.NewGuid():N}";

    public Task InitializeAsync() => Task.WhenAll(_azurite.InitializeAsync(), _twilio.InitializeAsync());

    public async Task DisposeAsync()
    {
        await _twilio.DisposeAsync();
        await _azurite.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Silos_and_front_end_with_the_cluster_certificate_answer_and_a_client_without_it_cannot_call_a_grain()
    {
        var (certificate, key) = WritePem("cluster", "switchboard-cluster");
        var settings = SiloProcess.Settings(_azurite.ConnectionString, _twilio.BaseUrl, AuthToken, AdminKey, _clusterId);
        settings["Orleans:Clustering"] = "AzureStorage";
        settings["Orleans:Tls:CertificatePath"] = certificate;
        settings["Orleans:Tls:KeyPath"] = key;

        var silos = await Task.WhenAll(SiloProcess.StartAsync(settings), SiloProcess.StartAsync(settings));
        await using var first = silos[0];
        await using var second = silos[1];
        await using var front = await SiloProcess.StartAsync(settings, "Frontend");

        // The silos see each other (membership probes run over TLS) ...
        using (var http = new HttpClient())
        {
            await Eventually.HoldsAsync(
                async () => (await http.GetFromJsonAsync<JsonElement>($"{front.BaseUrl}/dashboard/DashboardCounters"))
                    .GetProperty("hosts").EnumerateArray().Count(h => h.GetProperty("status").GetString() == "Active") == 2,
                TimeSpan.FromSeconds(30),
                "both silos to be active");

            // ... and a text through the front end (gateway over TLS) is answered.
            var phone = TestSms.NewPhone();
            var form = new Dictionary<string, string> { ["MessageSid"] = TestSms.NewSid(), ["From"] = phone, ["To"] = "+15005550006", ["Body"] = "help" };
            using var response = await http.SendAsync(TwilioSigner.SignedPost(AuthToken, $"{front.BaseUrl}/twilio/sms", form));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await _twilio.WaitForAsync(phone, 1, TimeSpan.FromSeconds(30));
        }

        // The same client, three ways: with the cluster's certificate it calls a grain; without TLS or with a
        // certificate of its own it never gets in.
        await CallAGrainAsync(("Orleans:Tls:CertificatePath", certificate), ("Orleans:Tls:KeyPath", key));

        var (stranger, strangerKey) = WritePem("stranger", "switchboard-cluster");
        await Task.WhenAll(
            AssertRefusedAsync(),
            AssertRefusedAsync(("Orleans:Tls:CertificatePath", stranger), ("Orleans:Tls:KeyPath", strangerKey)));
    }

    [Fact]
    public void A_certificate_that_does_not_load_stops_the_host_naming_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ClusterHosting.ReadOptions<SiloOptions>(Configuration(
            ("Orleans:Tls:CertificatePath", Path.Combine(_directory, "missing.crt")))));
        Assert.Contains("Orleans:Tls: cannot load the certificate", error.Message, StringComparison.Ordinal);

        var (certificate, _) = WritePem("nokey", "switchboard-cluster");
        error = Assert.Throws<InvalidOperationException>(() => ClusterHosting.ReadOptions<ClusterClientOptions>(Configuration(
            ("Orleans:Tls:CertificatePath", certificate))));
        Assert.Contains("Orleans:Tls:KeyPath", error.Message, StringComparison.Ordinal);
    }

    private async Task CallAGrainAsync(params (string Key, string Value)[] tls)
    {
        using var client = Client(tls);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await client.StartAsync(timeout.Token);
        await client.Services.GetRequiredService<IGrainFactory>().GetGrain<IHealthProbeGrain>(IHealthProbeGrain.KeyFor("tls-test")).Check();
        await client.StopAsync();
    }

    /// <summary>The client keeps trying to connect (as a front end does): it must still be out after 15 s.</summary>
    private async Task AssertRefusedAsync(params (string Key, string Value)[] tls)
    {
        using var client = Client(tls);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.StartAsync(timeout.Token));
    }

    private IHost Client(params (string Key, string Value)[] tls)
    {
        var configuration = Configuration([
            ("ConnectionStrings:AzureStorage", _azurite.ConnectionString),
            ("Orleans:Clustering", "AzureStorage"),
            ("Orleans:ClusterId", _clusterId),
            .. tls]);
        var options = ClusterHosting.ReadOptions<ClusterClientOptions>(configuration);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client => client.UseSwitchboardClustering(options, ClusterHosting.StorageTables(configuration)));
        return builder.Build();
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>A self-signed certificate and its key as PEM files, as a Kubernetes TLS secret mounts them.</summary>
    private (string Certificate, string Key) WritePem(string name, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificatePath = Path.Combine(_directory, $"{name}.crt");
        var keyPath = Path.Combine(_directory, $"{name}.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
