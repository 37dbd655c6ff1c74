using Switchboard.Contracts;
using Switchboard.Grains.Conversations;
using Switchboard.Grains.Outbound;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

[Collection(ClusterCollection.Name)]
public sealed class ConversationTurnTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_message_is_answered_once_through_the_outbound_grain()
    {
        var phone = TestSms.NewPhone();
        var sms = TestSms.From(phone, "help");

        Assert.Equal(AcceptOutcome.Queued, await Conversation(phone).Accept(sms));

        var replies = await fixture.Outbox.WaitForAsync(phone, 1, Timeout);
        Assert.Contains("log", Assert.Single(replies).Body, StringComparison.OrdinalIgnoreCase);
        var outbound = await fixture.Grains.GetGrain<IOutboundSmsGrain>(OutboundId.ForReply(phone, sms.MessageSid)).GetView();
        Assert.Equal(DeliveryStatus.Accepted, outbound!.Status);
    }

    [Fact]
    public async Task The_same_MessageSid_delivered_repeatedly_gives_one_turn_and_one_reply()
    {
        var phone = TestSms.NewPhone();
        var sms = TestSms.From(phone, "help");
        var conversation = Conversation(phone);

        var first = await conversation.Accept(sms);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => conversation.Accept(sms)));
        await conversation.Enqueue(sms);
        await fixture.Outbox.WaitForAsync(phone, 1, Timeout);
        await Eventually.HoldsAsync(async () => (await conversation.GetView()).Pending.Count == 0, Timeout, "the turn to finish");
        var redelivered = await conversation.Accept(sms);

        Assert.Equal(AcceptOutcome.Queued, first);
        Assert.All(concurrent, o => Assert.Equal(AcceptOutcome.Duplicate, o));
        Assert.Equal(AcceptOutcome.Duplicate, redelivered);
        Assert.Single(fixture.Outbox.AcceptedFor(phone));
        Assert.Single((await conversation.GetView()).RecentTurns);
    }

    [Fact]
    public async Task Concurrent_first_deliveries_of_one_MessageSid_give_one_turn()
    {
        var phone = TestSms.NewPhone();
        var sms = TestSms.From(phone, "status");
        var conversation = Conversation(phone);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => conversation.Accept(sms)));

        Assert.Single(outcomes, o => o == AcceptOutcome.Queued);
        await fixture.Outbox.WaitForAsync(phone, 1, Timeout);
        await Task.Delay(200); // a second reply, if any, would be sent right behind the first
        Assert.Single(fixture.Outbox.AcceptedFor(phone));
    }

    [Fact]
    public async Task A_burst_from_one_sender_is_answered_in_arrival_order()
    {
        var phone = TestSms.NewPhone();
        var conversation = Conversation(phone);
        var burst = Enumerable.Range(1, 10).Select(i => TestSms.From(phone, i % 2 == 0 ? "status" : "help")).ToList();

        foreach (var sms in burst)
        {
            await conversation.Accept(sms);
        }

        var replies = await fixture.Outbox.WaitForAsync(phone, burst.Count, Timeout);
        Assert.Equal(burst.Select(s => OutboundId.ForReply(phone, s.MessageSid)), replies.Select(r => r.Purpose));
        var view = await conversation.GetView();
        Assert.Equal(burst.Select(s => s.MessageSid), view.RecentTurns.Select(t => t.MessageSid));
        Assert.All(view.RecentTurns, t => Assert.Equal("Answered", t.Outcome));
    }

    [Fact]
    public async Task A_reply_held_up_by_retries_is_not_overtaken_by_the_next_one()
    {
        var phone = TestSms.NewPhone();
        var conversation = Conversation(phone);
        var (first, second) = (TestSms.From(phone, "help"), TestSms.From(phone, "status"));
        var throttled = new SendResult(SendOutcome.Retryable, HttpStatus: 429, ErrorCode: "20429", Error: "Too Many Requests");
        fixture.Outbox.ScriptFor(OutboundId.ForReply(phone, first.MessageSid), throttled, throttled, throttled);

        await conversation.Accept(first);
        await conversation.Accept(second);

        var replies = await fixture.Outbox.WaitForAsync(phone, 2, Timeout);
        Assert.Equal([OutboundId.ForReply(phone, first.MessageSid), OutboundId.ForReply(phone, second.MessageSid)], replies.Select(r => r.Purpose));
        Assert.Equal(3, fixture.Outbox.Sent.Count(s => s.OutboundId == OutboundId.ForReply(phone, first.MessageSid) && s.Outcome != SendOutcome.Accepted));
    }

    [Fact]
    public async Task A_reply_still_being_retried_is_not_sent_after_the_sender_texts_STOP()
    {
        var phone = TestSms.NewPhone();
        var conversation = Conversation(phone);
        var sms = TestSms.From(phone, "help");
        var outbound = fixture.Grains.GetGrain<IOutboundSmsGrain>(OutboundId.ForReply(phone, sms.MessageSid));
        var unavailable = new SendResult(SendOutcome.Retryable, HttpStatus: 503, Error: "Service Unavailable");
        fixture.Outbox.ScriptFor(outbound.GetPrimaryKeyString(), [.. Enumerable.Repeat(unavailable, 3)]);

        await conversation.Accept(sms);
        await Eventually.HoldsAsync(async () => (await outbound.GetView())?.Attempts.Count >= 1, Timeout, "the first refused attempt");
        await conversation.Accept(TestSms.From(phone, "STOP"));
        await Eventually.HoldsAsync(async () => (await outbound.GetView())!.Status != DeliveryStatus.Pending, Timeout, "the reply to settle");

        Assert.Equal(DeliveryStatus.Suppressed, (await outbound.GetView())!.Status);
        Assert.Empty(fixture.Outbox.AcceptedFor(phone));
    }

    [Fact]
    public async Task An_opted_out_sender_receives_nothing_until_opting_back_in()
    {
        var phone = TestSms.NewPhone();
        var conversation = Conversation(phone);

        Assert.Equal(AcceptOutcome.OptedOut, await conversation.Accept(TestSms.From(phone, "Stop")));
        Assert.Equal(AcceptOutcome.IgnoredWhileOptedOut, await conversation.Accept(TestSms.From(phone, "help")));
        Assert.True((await conversation.GetView()).OptedOut);
        Assert.Equal(AcceptOutcome.OptedIn, await conversation.Accept(TestSms.From(phone, "START")));
        await conversation.Accept(TestSms.From(phone, "help"));

        var replies = await fixture.Outbox.WaitForAsync(phone, 1, Timeout);
        await Task.Delay(200);
        Assert.Single(fixture.Outbox.AcceptedFor(phone));
        Assert.Contains("log", replies[0].Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Operators_see_turns_with_their_steps()
    {
        var phone = TestSms.NewPhone();
        var sms = TestSms.From(phone, "help");
        var conversation = Conversation(phone);

        await conversation.Accept(sms);
        await Eventually.HoldsAsync(async () => (await conversation.GetView()).RecentTurns.Count == 1, Timeout, "the turn record");

        var turn = Assert.Single((await conversation.GetView()).RecentTurns);
        Assert.Equal(sms.MessageSid, turn.MessageSid);
        Assert.Equal(["plan", "timesheet", "compose", "brand", "validate"], turn.Steps.Select(s => s.Step));
        Assert.Equal(OutboundId.ForReply(phone, sms.MessageSid), turn.OutboundId);
        Assert.Null(turn.Error);
    }

    private IConversationGrain Conversation(string phone) => fixture.Grains.GetGrain<IConversationGrain>(phone);
}
