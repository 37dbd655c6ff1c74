using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;
using Switchboard.Contracts;
using Switchboard.Grains.Outbound;
using Switchboard.Silo;
using Switchboard.Tests.Http;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Outbound;

/// <summary>
/// Every grain's state row has a row key of its own. Rows an earlier version stored under the state name alone are
/// moved by the silo's start-up migration (on the real host and Azurite here) and read where they are until then.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class OwnRowKeyMigrationTests(HttpFixture fixture)
{
    [Fact]
    public async Task Rows_under_the_old_row_keys_are_moved_and_found_again_and_an_accepted_reply_is_not_sent_again()
    {
        var services = fixture.Factory.Services;
        var phone = TestSms.NewPhone();
        var id = OutboundId.For(phone, TestSms.NewSid(), "reply");
        var message = new OutboundSms(phone, "Logged 8h on Apollo", "reply");
        await OldRowKeys.StoreAcceptedReplyAsync(services, id, message);
        await OldRowKeys.StoreEmployeeAsync(services, phone, "E-7001", "Ada Lovelace");

        var moved = await services.GetRequiredService<OwnRowKeyMigration>().MoveOldRowsAsync(CancellationToken.None);

        Assert.True(moved >= 2, $"moved: {moved}");
        var table = new TableServiceClient(fixture.Azurite.ConnectionString).GetTableClient("OrleansGrainState");
        var rowKeys = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            if (row.PartitionKey.EndsWith(phone) || row.PartitionKey.EndsWith(id))
            {
                rowKeys.Add(row.RowKey);
            }
        }

        Assert.Equal(2, rowKeys.Count);
        Assert.All(rowKeys, key => Assert.Matches("^(outbound|employee)_[0-9a-f]{8}$", key));

        var admin = fixture.Factory.CreateAdminClient();
        var reply = await admin.GetFromJsonAsync<JsonElement>($"/admin/outbound/{Uri.EscapeDataString(id)}");
        Assert.Equal("Accepted", reply.GetProperty("status").GetString());
        Assert.Equal("Logged 8h on Apollo", reply.GetProperty("body").GetString());
        var employee = await admin.GetFromJsonAsync<JsonElement>($"/admin/employees/{Uri.EscapeDataString(phone)}");
        Assert.Equal("Ada Lovelace", employee.GetProperty("name").GetString());

        // The conversation handing the same reply over again (a turn resumed after the upgrade) sends nothing.
        var grain = services.GetRequiredService<IGrainFactory>().GetGrain<IOutboundSmsGrain>(id);
        await grain.Send(message);
        await Task.Delay(500);
        Assert.DoesNotContain(fixture.Twilio.Messages, m => m.To == phone);
        Assert.Single((await grain.GetView())!.Attempts);
    }
}

/// <summary>A silo whose migration has not run yet: its grain storage also looks under the old row keys.</summary>
public sealed class OldRowKeysClusterFixture : ClusterFixture
{
    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;

    protected override void ConfigureStorage(ISiloBuilder silo) => silo.AddMemoryGrainStorage(SiloHosting.TableStorage);

    protected override void ConfigureServices(IServiceCollection services)
    {
        var notRun = new OwnRowKeyMigration(new TableServiceClient("UseDevelopmentStorage=true"), "switchboard", "unused", null, TimeProvider.System, NullLogger<OwnRowKeyMigration>.Instance);
        services.AddKeyedSingleton<IGrainStorage>(StorageNames.State, (sp, _) =>
            new OwnRowKeyGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(SiloHosting.TableStorage), notRun));
    }
}

public sealed class OldRowKeyTests(OldRowKeysClusterFixture fixture) : IClassFixture<OldRowKeysClusterFixture>
{
    [Fact]
    public async Task Before_the_migration_a_reply_under_its_old_row_key_is_adopted_and_not_sent_again_and_a_new_one_is_sent_once()
    {
        var phone = TestSms.NewPhone();
        var oldId = OutboundId.For(phone, TestSms.NewSid(), "reply");
        var oldMessage = new OutboundSms(phone, "sent by the earlier version", "reply");
        await OldRowKeys.StoreAcceptedReplyAsync(fixture.SiloServices, oldId, oldMessage);
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

    [Fact]
    public async Task Before_the_migration_an_employee_under_the_old_row_key_is_still_registered_and_a_removal_sticks()
    {
        var phone = TestSms.NewPhone();
        await OldRowKeys.StoreEmployeeAsync(fixture.SiloServices, phone, "E-7002", "Grace Hopper");
        var employee = fixture.Grains.GetGrain<Switchboard.Contracts.IEmployeeGrain>(phone);

        Assert.Equal("Grace Hopper", (await employee.Get())?.Name);

        await employee.Remove();
        await fixture.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        Assert.Null(await fixture.Grains.GetGrain<Switchboard.Contracts.IEmployeeGrain>(phone).Get());
    }
}
