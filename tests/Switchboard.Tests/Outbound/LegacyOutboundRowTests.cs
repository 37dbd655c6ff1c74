using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Switchboard.Contracts;
using Switchboard.Grains.Outbound;
using Switchboard.Silo;
using Switchboard.Tests.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Outbound;

/// <summary>
/// Versions before 2026-12 stored every outbound message under the one row key "outbound". This version gives each its
/// own; a reply an earlier version stored must be found again, keep its history and never go out a second time.
/// </summary>
public static class LegacyOutboundRow
{
    /// <summary>An accepted reply as an earlier version stored it: under the shared state name.</summary>
    public static async Task<GrainId> StoreAcceptedAsync(IServiceProvider silo, string id, OutboundSms message)
    {
        var storage = silo.GetRequiredKeyedService<IGrainStorage>(StorageNames.State);
        var grainId = silo.GetRequiredService<IGrainFactory>().GetGrain<IOutboundSmsGrain>(id).GetGrainId();
        var at = DateTimeOffset.UtcNow;
        var state = new OutboundState
        {
            Message = message,
            Status = DeliveryStatus.Accepted,
            CreatedAt = at,
            TwilioSid = "SM" + new string('7', 32),
            Attempts = [new OutboundAttempt(at, nameof(SendOutcome.Accepted), 201, null, null)],
        };
        await storage.WriteStateAsync(OutboundSmsGrain.StateName, grainId, new GrainState<OutboundState>(state));
        return grainId;
    }
}

/// <summary>The silo's start-up migration, on the real host and Azurite.</summary>
[Collection(HttpCollection.Name)]
public sealed class OutboundRowMigrationTests(HttpFixture fixture)
{
    [Fact]
    public async Task A_reply_stored_under_the_old_row_key_is_moved_to_its_own_keeps_its_history_and_is_not_sent_again()
    {
        var services = fixture.Factory.Services;
        var phone = TestSms.NewPhone();
        var id = OutboundId.For(phone, TestSms.NewSid(), "reply");
        var message = new OutboundSms(phone, "Logged 8h on Apollo", "reply");
        var grainId = await LegacyOutboundRow.StoreAcceptedAsync(services, id, message);

        var moved = await services.GetRequiredService<OutboundRowMigration>().MoveLegacyRowsAsync(CancellationToken.None);

        Assert.True(moved >= 1, $"moved: {moved}");
        var table = new TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient("OrleansGrainState");
        var rows = await table.QueryAsync<TableEntity>(e => e.RowKey.CompareTo(OutboundSmsGrain.StateName) >= 0 && e.RowKey.CompareTo("outboune") < 0)
            .Where(e => e.PartitionKey.EndsWith(id)).ToListAsync();
        Assert.Equal([OutboundSmsGrain.RowNameOf(grainId)], rows.Select(r => r.RowKey));

        var reply = await fixture.Factory.CreateAdminClient().GetFromJsonAsync<JsonElement>($"/admin/outbound/{Uri.EscapeDataString(id)}");
        Assert.Equal("Accepted", reply.GetProperty("status").GetString());
        Assert.Equal("Logged 8h on Apollo", reply.GetProperty("body").GetString());

        // The conversation handing the same reply over again (a turn resumed after the upgrade) sends nothing.
        var grain = services.GetRequiredService<IGrainFactory>().GetGrain<IOutboundSmsGrain>(id);
        await grain.Send(message);
        await Task.Delay(500);
        Assert.DoesNotContain(fixture.Twilio.Messages, m => m.To == phone);
        Assert.Single((await grain.GetView())!.Attempts);
    }
}

/// <summary>A silo whose migration has not finished yet: message grains also look under the old row key.</summary>
public sealed class LegacyRowsClusterFixture : ClusterFixture
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<ILegacyOutboundRows>(new LegacyRowsRemain());

    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;

    private sealed class LegacyRowsRemain : ILegacyOutboundRows
    {
        public bool MayExist => true;
    }
}

public sealed class LegacyOutboundRowTests(LegacyRowsClusterFixture fixture) : IClassFixture<LegacyRowsClusterFixture>
{
    [Fact]
    public async Task Before_the_migration_a_reply_under_the_old_row_key_is_adopted_and_not_sent_again_and_a_new_one_is_sent_once()
    {
        var phone = TestSms.NewPhone();
        var oldId = OutboundId.For(phone, TestSms.NewSid(), "reply");
        var oldMessage = new OutboundSms(phone, "sent by the earlier version", "reply");
        await LegacyOutboundRow.StoreAcceptedAsync(fixture.SiloServices, oldId, oldMessage);
        var old = fixture.Grains.GetGrain<IOutboundSmsGrain>(oldId);

        await old.Send(oldMessage);

        var view = (await old.GetView())!;
        Assert.Equal(DeliveryStatus.Accepted, view.Status);
        Assert.Equal("sent by the earlier version", view.Body);

        var newId = OutboundId.For(phone, TestSms.NewSid(), "reply");
        await fixture.Grains.GetGrain<IOutboundSmsGrain>(newId).Send(new OutboundSms(phone, "the next reply", "reply"));
        var sent = await fixture.Outbox.WaitForAsync(phone, 1, TimeSpan.FromSeconds(20));
        await Task.Delay(500);
        Assert.Equal(["the next reply"], fixture.Outbox.Sent.Where(s => s.To == phone).Select(s => s.Body));
        Assert.Equal("the next reply", Assert.Single(sent).Body);
    }
}
