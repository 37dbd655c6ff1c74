using Microsoft.Extensions.DependencyInjection;
using Switchboard.Contracts;
using Switchboard.Grains.Outbound;
using Switchboard.Grains.Summary;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Outbound;

/// <summary>
/// The TestCluster of <see cref="ClusterFixture"/> with retries about a second apart: long enough for a test to act
/// while a message waits for its next attempt.
/// </summary>
public sealed class SlowRetryClusterFixture : ClusterFixture
{
    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Outbound:InitialBackoff"] = "00:00:01.500";
        settings["Outbound:MaxBackoff"] = "00:00:03";
        return settings;
    }

    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;
}

[CollectionDefinition(Name)]
public sealed class SlowRetryClusterCollection : ICollectionFixture<SlowRetryClusterFixture>
{
    public const string Name = "slow-retry-cluster";
}

/// <summary>Every way a message ends does the same bookkeeping: retrying count, retry reminder, failed index.</summary>
[Collection(SlowRetryClusterCollection.Name)]
public sealed class EndingBookkeepingTests(SlowRetryClusterFixture fixture)
{
    private const string RetryReminder = "outbound-retry";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private SiloActivity Activity => fixture.SiloServices.GetRequiredService<SiloActivity>();

    private IReminderTable Reminders => fixture.SiloServices.GetRequiredService<IReminderTable>();

    [Theory]
    [InlineData("delivered", DeliveryStatus.Delivered)]
    [InlineData("undelivered", DeliveryStatus.Undelivered)]
    public async Task A_status_callback_arriving_while_a_retry_waits_ends_the_message_and_its_retrying_and_reminder(string callback, DeliveryStatus expected)
    {
        var (id, outbound) = NewOutbound();
        fixture.Outbox.ScriptFor(id, new SendResult(SendOutcome.Retryable, Error: "TaskCanceledException: the request timed out"));
        var retryingBefore = Activity.RepliesRetrying;

        await outbound.Send(new OutboundSms(id.Split(':')[0], "hello", "test"));
        await WaitingForRetryAsync(id, outbound);
        Assert.Equal(retryingBefore + 1, Activity.RepliesRetrying);

        // Twilio did take the timed-out attempt: its callback arrives before the retry.
        await outbound.RecordStatus(callback, callback == "undelivered" ? "30003" : null, "SM00000000000000000000000000000042");

        Assert.Equal(expected, (await outbound.GetView())!.Status);
        Assert.Equal(retryingBefore, Activity.RepliesRetrying);
        await Eventually.HoldsAsync(async () => await Reminders.ReadRow(outbound.GetGrainId(), RetryReminder) is null, Timeout, "the retry reminder to be released");
        await Task.Delay(TimeSpan.FromSeconds(2)); // past the retry that was due
        Assert.Single(fixture.Outbox.Sent, s => s.OutboundId == id);
        Assert.Equal(callback == "undelivered", await IndexedAsFailedAsync(id));
    }

    [Fact]
    public async Task A_failure_is_indexed_even_when_releasing_the_retry_reminder_fails()
    {
        var (id, outbound) = NewOutbound();
        fixture.Outbox.ScriptFor(
            id,
            new SendResult(SendOutcome.Retryable, HttpStatus: 503, Error: "Service Unavailable"),
            new SendResult(SendOutcome.Permanent, HttpStatus: 400, ErrorCode: "21211", Error: "Invalid 'To' Phone Number"));

        var retryingBefore = Activity.RepliesRetrying;
        await outbound.Send(new OutboundSms(id.Split(':')[0], "hello", "test"));
        await WaitingForRetryAsync(id, outbound);

        // Someone else rewrote the reminder's row: the grain's handle is stale and unregistering it throws.
        var row = (await Reminders.ReadRow(outbound.GetGrainId(), RetryReminder))!;
        await Reminders.UpsertRow(row);

        await Eventually.HoldsAsync(async () => (await outbound.GetView())!.Status == DeliveryStatus.Rejected, Timeout, "the refusal");
        await Eventually.HoldsAsync(() => IndexedAsFailedAsync(id), Timeout, "the refusal to be indexed as failed");
        Assert.Equal(retryingBefore, Activity.RepliesRetrying);

        // The reminder's next tick finds the message ended and releases it.
        await Eventually.HoldsAsync(async () => await Reminders.ReadRow(outbound.GetGrainId(), RetryReminder) is null, Timeout, "the retry reminder to be released at its tick");
    }

    [Fact]
    public async Task A_reply_given_up_that_Twilio_then_reports_delivered_leaves_the_failed_list_and_is_not_resent()
    {
        var (id, outbound) = NewOutbound();
        fixture.Outbox.ScriptFor(id, new SendResult(SendOutcome.Permanent, HttpStatus: 400, ErrorCode: "21211", Error: "Invalid 'To' Phone Number"));
        await outbound.Send(new OutboundSms(id.Split(':')[0], "hello", "test"));
        await Eventually.HoldsAsync(() => IndexedAsFailedAsync(id), Timeout, "the refusal to be indexed as failed");

        // A late callback says Twilio had it after all (the failed answer came from something in between).
        await outbound.RecordStatus("delivered", null, "SM00000000000000000000000000000043");

        Assert.Equal(DeliveryStatus.Delivered, (await outbound.GetView())!.Status);
        Assert.False(await IndexedAsFailedAsync(id));
        Assert.Null(await outbound.Resend()); // delivered: an operator's resend would send it twice
    }

    private (string Id, IOutboundSmsGrain Grain) NewOutbound()
    {
        var id = OutboundId.For(TestSms.NewPhone(), TestSms.NewSid(), "test");
        return (id, fixture.Grains.GetGrain<IOutboundSmsGrain>(id));
    }

    /// <summary>First attempt recorded, retry reminder held, next attempt not yet made.</summary>
    private async Task WaitingForRetryAsync(string id, IOutboundSmsGrain outbound)
    {
        await Eventually.HoldsAsync(
            async () => await outbound.GetView() is { Status: DeliveryStatus.Pending, Attempts.Count: 1 }
                && await Reminders.ReadRow(outbound.GetGrainId(), RetryReminder) is not null,
            Timeout,
            "the first attempt to fail and the retry reminder to be held");
        Assert.Single(fixture.Outbox.Sent, s => s.OutboundId == id);
    }

    private async Task<bool> IndexedAsFailedAsync(string id) =>
        (await fixture.Grains.GetGrain<IFailedRepliesGrain>(IFailedRepliesGrain.Key).List(0, 500)).Items.Any(r => r.Id == id);
}
