using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Switchboard.Contracts;
using Switchboard.Grains;
using Switchboard.Grains.Conversations;
using Switchboard.Grains.Outbound;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A one-silo in-process cluster with memory storage and in-memory reminders, the real grains and agent steps,
/// and a <see cref="CapturingSmsSender"/> in place of Twilio. Fast; the Azurite tests prove the real providers.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public CapturingSmsSender Outbox { get; } = new();

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Configuration of the silo; subclasses add or override keys.</summary>
    protected virtual Dictionary<string, string?> Settings() => new()
    {
        ["Twilio:AuthToken"] = "test-auth-token",
        ["Twilio:AccountSid"] = "AC00000000000000000000000000000000",
        ["Twilio:FromNumber"] = "+15005550006",
        ["Employees:AutoEnroll"] = "true",
        ["Guard:UnregisteredReplies"] = "1000000", // every sender is a guest here; GuardTests test the guards
        ["Guard:AllowedCountries"] = "*",
        ["Conversation:StepRetryBackoff"] = "00:00:00.050",
        ["Conversation:ReminderPeriod"] = "00:00:01",
        ["Outbound:InitialBackoff"] = "00:00:00.050",
        ["Outbound:MaxBackoff"] = "00:00:00.200",
        ["Outbound:ReminderPeriod"] = "00:00:01",
    };

    /// <summary>Extra services of the silo (after the real ones, so these win).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Grain storage of the silo: memory, unless a subclass brings its own.</summary>
    protected virtual void ConfigureStorage(ISiloBuilder silo) => silo.AddMemoryGrainStorage(StorageNames.State);

    public virtual async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(Settings());
            host.Services.AddSwitchboardGrains(host.Configuration, isDevelopment: true);
            host.Services.AddSingleton<ISmsSender>(Outbox);
            host.Services.AddSingleton<IConversationHistory, MemoryConversationHistory>();
            ConfigureServices(host.Services);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            ConfigureStorage(silo);
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMilliseconds(100));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
