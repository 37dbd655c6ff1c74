using Microsoft.Extensions.DependencyInjection;
using Switchboard.Grains.Outbound;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Outbound;

/// <summary>
/// The TestCluster of <see cref="ClusterFixture"/>, but replies go through the real Twilio SDK and
/// <see cref="TwilioSmsSender"/> to a <see cref="FakeTwilioServer"/>: what the SDK makes of raw HTTP answers is the
/// point. Three attempts, short backoffs; MaxBackoff long enough to see a Retry-After honoured and capped.
/// </summary>
public class TwilioClusterFixture : ClusterFixture
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1.5);

    public const int MaxAttempts = 3;

    public FakeTwilioServer Twilio { get; } = new();

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Twilio:Enabled"] = "true";
        settings["Twilio:ApiBaseUrl"] = Twilio.BaseUrl;
        settings["Outbound:MaxAttempts"] = $"{MaxAttempts}";
        settings["Outbound:MaxBackoff"] = MaxBackoff.ToString("c");
        return settings;
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ISmsSender, TwilioSmsSender>();

    public override async Task InitializeAsync()
    {
        await Twilio.InitializeAsync(); // its URL goes into the silo's settings
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TwilioClusterCollection : ICollectionFixture<TwilioClusterFixture>
{
    public const string Name = "twilio-cluster";
}
