using Azure.Data.Tables;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// A rolling update from a version that stored grain state under the old row keys: the first silo of this version finds
/// an earlier silo active in the membership table and neither moves a row (that silo's grains would start empty) nor
/// joins; it says so, and goes on once the earlier silo has stopped. The earlier silo is played by a silo of this
/// version whose migration marker is then removed, as if it had never run.
/// </summary>
public sealed class UpgradeGuardTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly FakeTwilioServer _twilio = new();

    public Task InitializeAsync() => Task.WhenAll(_azurite.InitializeAsync(), _twilio.InitializeAsync());

    public async Task DisposeAsync()
    {
        await _twilio.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task The_first_silo_of_this_version_waits_while_a_silo_of_an_earlier_version_is_active_then_moves_the_rows_and_joins()
    {
        var settings = SiloProcess.Settings(_azurite.ConnectionString, _twilio.BaseUrl, "upgrade-auth-token", "upgrade-admin-key-0123456789", $"upgrade-test-{Guid.NewGuid():N}");
        settings["Orleans:Clustering"] = "AzureStorage";
        await using var earlier = await SiloProcess.StartAsync(settings);
        var grainState = new TableServiceClient(_azurite.ConnectionString).GetTableClient("OrleansGrainState");
        await grainState.DeleteEntityAsync("migrations", "switchboard.own-row-keys");

        await using var upgraded = await SiloProcess.StartAsync(settings, waitUntilHealthy: false);
        await Eventually.HoldsAsync(
            () => Task.FromResult(upgraded.Output.Contains("silo(s) of an earlier version are active", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60),
            "the new silo to report the earlier one");
        using (var http = new HttpClient())
        {
            // Not started: the host waits for its silo, so nothing listens yet.
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync($"{upgraded.BaseUrl}/health"));
        }

        Assert.False((await grainState.GetEntityIfExistsAsync<TableEntity>("migrations", "switchboard.own-row-keys")).HasValue);

        // The earlier silo stops (leaving the membership table): the pass runs, the marker is written, the silo joins.
        await earlier.StopAsync();
        await upgraded.WaitHealthyAsync();
        Assert.True((await grainState.GetEntityIfExistsAsync<TableEntity>("migrations", "switchboard.own-row-keys")).HasValue);
    }

    [Theory]
    [InlineData("2026-12-07 10:00:00.000 GMT", "2026-12-07T10:09:00Z", true)]
    [InlineData("2026-12-07 10:00:00.000 GMT", "2026-12-07T10:11:00Z", false)]
    [InlineData(null, "2026-12-07T10:11:00Z", true)]
    [InlineData("yesterday", "2026-12-07T10:11:00Z", true)]
    public void A_silo_whose_heartbeat_is_ten_minutes_old_is_not_waited_for(string? iAmAliveTime, string now, bool alive) =>
        Assert.Equal(alive, Switchboard.Silo.OwnRowKeyMigration.IsAlive(iAmAliveTime, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
}
