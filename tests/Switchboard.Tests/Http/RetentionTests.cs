using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Grains.Retention;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>
/// Retention:Days on the real host and Azurite (the ConversationHistory table and Orleans' grain state table): the
/// sweep's clock is moved forward, the runtime's is not.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class RetentionTests(HttpFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task History_and_reply_texts_older_than_the_retention_are_removed_by_the_sweep_and_newer_ones_stay()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = fixture.Factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddKeyedSingleton<TimeProvider>(RetentionGrain.Clock, clock)));
        var client = factory.CreateClient();
        var admin = factory.CreateAdminClient();
        var phone = TestSms.NewPhone();
        var sid = TestSms.NewSid();
        var replyId = Uri.EscapeDataString($"{phone}:{sid}:reply");
        await client.SendAsync(SwitchboardFactory.SignedSms(phone, "check my timesheet", sid));
        await fixture.Twilio.WaitForAsync(phone, 1, Timeout);
        await Eventually.HoldsAsync(async () => (await TurnsAsync(admin, phone)) == 1, Timeout, "the turn record");
        var sweep = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IRetentionGrain>(IRetentionGrain.Key);

        // Today's turn is within the 30 days: a sweep leaves it and its reply alone.
        var early = await sweep.Sweep();
        Assert.Equal(1, await TurnsAsync(admin, phone));
        Assert.NotEqual("", (await admin.GetFromJsonAsync<JsonElement>($"/admin/outbound/{replyId}")).GetProperty("body").GetString());

        clock.Advance(TimeSpan.FromDays(31));
        var late = await sweep.Sweep();

        Assert.Equal(0, early.HistoryRowsDeleted);
        Assert.True(late.HistoryRowsDeleted >= 1, $"history rows deleted: {late.HistoryRowsDeleted}");
        Assert.True(late.OutboundRecordsSwept >= 1, $"outbound records swept: {late.OutboundRecordsSwept}");
        Assert.Equal(0, await TurnsAsync(admin, phone));
        var reply = await admin.GetFromJsonAsync<JsonElement>($"/admin/outbound/{replyId}");
        Assert.Equal("", reply.GetProperty("body").GetString());
        Assert.Equal("Accepted", reply.GetProperty("status").GetString()); // the delivery facts stay
        Assert.Equal(1, reply.GetProperty("attempts").GetArrayLength());
    }

    [Fact]
    public async Task Idle_conversations_of_unregistered_numbers_are_removed_and_an_employees_or_an_opt_out_are_kept()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = new SwitchboardFactory(fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl); // a service of its own: exact counts
        await using var factory = host.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddKeyedSingleton<TimeProvider>(RetentionGrain.Clock, clock)));
        var client = factory.CreateClient();
        var admin = factory.CreateAdminClient();
        var (guest, employee, optedOut) = (TestSms.NewPhone(), TestSms.NewPhone(), TestSms.NewPhone());
        await admin.PutAsJsonAsync($"/admin/employees/{Uri.EscapeDataString(employee)}", new { name = "Ava Nguyen", employeeId = "E700" });
        await client.SendAsync(SwitchboardFactory.SignedSms(guest, "log 8h on Apollo"));
        await client.SendAsync(SwitchboardFactory.SignedSms(employee, "log 8h on Apollo"));
        await client.SendAsync(SwitchboardFactory.SignedSms(optedOut, "STOP"));
        await fixture.Twilio.WaitForAsync(guest, 1, Timeout);
        await fixture.Twilio.WaitForAsync(employee, 1, Timeout);
        await Eventually.HoldsAsync(async () => (await TurnsAsync(admin, optedOut)) == 1, Timeout, "the opt-out to be recorded");
        var sweep = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IRetentionGrain>(IRetentionGrain.Key);

        clock.Advance(TimeSpan.FromDays(31));
        var swept = await sweep.Sweep();

        Assert.Equal(1, swept.ConversationsRemoved); // the guest's; the employee's and the opt-out stay
        await client.SendAsync(SwitchboardFactory.SignedSms(optedOut, "check my timesheet"));
        await Task.Delay(500);
        Assert.DoesNotContain(fixture.Twilio.Messages, m => m.To == optedOut); // the opt-out outlived the sweep
    }

    private static async Task<int> TurnsAsync(HttpClient admin, string phone) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/admin/conversations/{Uri.EscapeDataString(phone)}")).GetProperty("recentTurns").GetArrayLength();
}
