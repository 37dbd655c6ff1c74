using Azure.Data.Tables;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Switchboard.Hosting;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Two hosts of one service (two front ends behind a load balancer) on Azurite: what one seals (a console session
/// cookie, a form token) the other opens; another service's hosts cannot.
/// </summary>
public sealed class TableKeyRingTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public void What_one_host_of_a_service_seals_another_opens_and_another_service_cannot()
    {
        var service = $"keyring-{Guid.NewGuid():N}";
        using var first = Host(service);
        using var second = Host(service);
        using var stranger = Host($"keyring-{Guid.NewGuid():N}");

        var sealedByFirst = Protector(first).Protect("operator session");

        Assert.Equal("operator session", Protector(second).Unprotect(sealedByFirst));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => Protector(stranger).Unprotect(sealedByFirst));
    }

    private ServiceProvider Host(string serviceId)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<ClusterOptions>(o => o.ServiceId = serviceId);
        services.AddTableKeyRing(new TableServiceClient(_azurite.ConnectionString));
        return services.BuildServiceProvider();
    }

    private static IDataProtector Protector(IServiceProvider host) =>
        host.GetRequiredService<IDataProtectionProvider>().CreateProtector("Switchboard.Tests");
}
