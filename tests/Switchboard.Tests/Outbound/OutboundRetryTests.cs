using Switchboard.Contracts;
using Switchboard.Grains.Outbound;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Outbound;

[Collection(ClusterCollection.Name)]
public sealed class OutboundRetryTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Retryable_errors_are_retried_until_Twilio_accepts_and_the_message_is_then_never_sent_again()
    {
        var phone = TestSms.NewPhone();
        var id = OutboundId.For(phone, TestSms.NewSid(), "test");
        var outbound = fixture.Grains.GetGrain<IOutboundSmsGrain>(id);
        fixture.Outbox.Script(
            new SendResult(SendOutcome.Retryable, HttpStatus: 429, ErrorCode: "20429", Error: "Too Many Requests"),
            new SendResult(SendOutcome.Retryable, HttpStatus: 503, Error: "Service Unavailable"));

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        await fixture.Outbox.WaitForAsync(phone, 1, Timeout);
        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        await Task.Delay(300);

        var view = await outbound.GetView();
        Assert.Equal(DeliveryStatus.Accepted, view!.Status);
        Assert.Equal(["Retryable", "Retryable", "Accepted"], view.Attempts.Select(a => a.Outcome));
        Assert.Equal(429, view.Attempts[0].HttpStatus);
        Assert.Single(fixture.Outbox.AcceptedFor(phone));
        Assert.NotNull(view.TwilioSid);
        Assert.False(view.PossibleDuplicate);
    }

    [Fact]
    public async Task A_message_handed_over_again_after_its_grain_was_collected_is_not_sent_again()
    {
        var phone = TestSms.NewPhone();
        var outbound = fixture.Grains.GetGrain<IOutboundSmsGrain>(OutboundId.For(phone, TestSms.NewSid(), "test"));
        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        await Eventually.HoldsAsync(async () => (await outbound.GetView())?.Status == DeliveryStatus.Accepted, Timeout, "the acceptance to be recorded");

        // The next activation's first call is the repeated hand-off (as after a conversation's crash): it does not read
        // first, so its insert must be refused and the stored, accepted message found.
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        await Task.Delay(300);

        Assert.Single(fixture.Outbox.AcceptedFor(phone));
        var view = await outbound.GetView();
        Assert.Equal(DeliveryStatus.Accepted, view!.Status);
        Assert.Single(view.Attempts);
    }

    [Fact]
    public async Task A_retry_after_a_timeout_asks_Twilio_first_and_adopts_what_it_took()
    {
        var (id, view) = await SentAfterAsync(CapturingSmsSender.AnswerLost);

        Assert.Contains(id, fixture.Outbox.LookedUp);
        Assert.Single(fixture.Outbox.Sent, s => s.OutboundId == id); // found in the list: never sent a second time
        Assert.False(view.PossibleDuplicate);
        Assert.NotNull(view.TwilioSid);
    }

    [Fact]
    public async Task A_retry_after_a_timeout_Twilio_did_not_take_is_sent_again_and_not_flagged()
    {
        var (id, view) = await SentAfterAsync(new SendResult(SendOutcome.Retryable, Error: "TaskCanceledException: the request timed out"));

        Assert.Contains(id, fixture.Outbox.LookedUp);
        Assert.Single(fixture.Outbox.AcceptedFor(id.Split(':')[0]));
        Assert.False(view.PossibleDuplicate); // Twilio's list showed the first never arrived
    }

    /// <summary>A message whose first attempt answers <paramref name="first"/>, once it is accepted.</summary>
    private async Task<(string Id, OutboundView View)> SentAfterAsync(SendResult first)
    {
        var phone = TestSms.NewPhone();
        var id = OutboundId.For(phone, TestSms.NewSid(), "test");
        var outbound = fixture.Grains.GetGrain<IOutboundSmsGrain>(id);
        fixture.Outbox.ScriptFor(id, first);

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        await Eventually.HoldsAsync(async () => (await outbound.GetView())!.Status == DeliveryStatus.Accepted, Timeout, "acceptance");
        await Task.Delay(300); // nothing more is sent after the acceptance
        return (id, (await outbound.GetView())!);
    }

    [Fact]
    public async Task A_permanent_error_is_not_retried_and_is_visible()
    {
        var phone = TestSms.NewPhone();
        var outbound = fixture.Grains.GetGrain<IOutboundSmsGrain>(OutboundId.For(phone, TestSms.NewSid(), "test"));
        fixture.Outbox.Script(new SendResult(SendOutcome.Permanent, HttpStatus: 400, ErrorCode: "21211", Error: "Invalid 'To' Phone Number"));

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        await Eventually.HoldsAsync(async () => (await outbound.GetView())!.Status != DeliveryStatus.Pending, Timeout, "the attempt");
        await Task.Delay(300);

        var view = await outbound.GetView();
        Assert.Equal(DeliveryStatus.Rejected, view!.Status);
        Assert.Equal("21211", view.ErrorCode);
        Assert.Single(view.Attempts);
        Assert.Single(fixture.Outbox.Sent, s => s.To == phone);
    }

    [Fact]
    public async Task Retries_stop_at_the_attempt_limit()
    {
        var phone = TestSms.NewPhone();
        var outbound = fixture.Grains.GetGrain<IOutboundSmsGrain>(OutboundId.For(phone, TestSms.NewSid(), "test"));
        fixture.Outbox.Script([.. Enumerable.Repeat(new SendResult(SendOutcome.Retryable, HttpStatus: 500, Error: "boom"), 8)]);

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        await Eventually.HoldsAsync(async () => (await outbound.GetView())!.Status != DeliveryStatus.Pending, Timeout, "the last attempt");

        var view = await outbound.GetView();
        Assert.Equal(DeliveryStatus.GaveUp, view!.Status);
        Assert.Equal(8, view.Attempts.Count);
        Assert.Empty(fixture.Outbox.AcceptedFor(phone));
    }

    [Fact]
    public async Task Status_callbacks_advance_the_delivery_but_never_move_it_back()
    {
        var phone = TestSms.NewPhone();
        var outbound = fixture.Grains.GetGrain<IOutboundSmsGrain>(OutboundId.For(phone, TestSms.NewSid(), "test"));
        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        await fixture.Outbox.WaitForAsync(phone, 1, Timeout);
        await Eventually.HoldsAsync(async () => (await outbound.GetView())!.Status == DeliveryStatus.Accepted, Timeout, "acceptance");

        await outbound.RecordStatus("delivered", null, "SM00000000000000000000000000000099");
        await outbound.RecordStatus("sent", null, null);

        Assert.Equal(DeliveryStatus.Delivered, (await outbound.GetView())!.Status);
    }
}
