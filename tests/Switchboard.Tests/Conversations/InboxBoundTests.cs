using Switchboard.Contracts;
using Switchboard.Grains.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>Slow agents (400 ms a step) and a small inbox, to see the bounds while a turn runs.</summary>
public sealed class SlowAgentsClusterFixture : ClusterFixture
{
    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Agents:StepDelayMs"] = "400";
        settings["Conversation:MaxPendingMessages"] = "3";
        return settings;
    }
}

[CollectionDefinition(Name)]
public sealed class SlowAgentsCollection : ICollectionFixture<SlowAgentsClusterFixture>
{
    public const string Name = "slow-agents";
}

[Collection(SlowAgentsCollection.Name)]
public sealed class InboxBoundTests(SlowAgentsClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_message_is_accepted_while_the_same_senders_turn_is_still_running()
    {
        var phone = TestSms.NewPhone();
        var conversation = fixture.Grains.GetGrain<IConversationGrain>(phone);
        await conversation.Accept(TestSms.From(phone, "help"));
        await Eventually.HoldsAsync(async () => (await conversation.GetView()).CurrentTurn is { StepIndex: >= 1 }, Timeout, "the first turn to be under way");

        var second = await conversation.Accept(TestSms.From(phone, "status"));

        // Accepted and persisted while the first turn is still at work: the grain never waits on agents.
        Assert.Equal(AcceptOutcome.Queued, second);
        var view = await conversation.GetView();
        Assert.NotNull(view.CurrentTurn);
        Assert.Equal(2, view.Pending.Count);
        Assert.Empty(fixture.Outbox.AcceptedFor(phone));
        await fixture.Outbox.WaitForAsync(phone, 2, Timeout);
    }

    [Fact]
    public async Task Beyond_the_inbox_bound_messages_are_dropped_counted_and_the_sender_told_once()
    {
        var phone = TestSms.NewPhone();
        var conversation = fixture.Grains.GetGrain<IConversationGrain>(phone);

        var outcomes = new List<AcceptOutcome>();
        for (var i = 0; i < 6; i++)
        {
            outcomes.Add(await conversation.Accept(TestSms.From(phone, "help")));
        }

        Assert.Equal([AcceptOutcome.Queued, AcceptOutcome.Queued, AcceptOutcome.Queued, AcceptOutcome.Dropped, AcceptOutcome.Dropped, AcceptOutcome.Dropped], outcomes);
        Assert.Equal(3, (await conversation.GetView()).DroppedMessages);
        var sent = await fixture.Outbox.WaitForAsync(phone, 4, Timeout);
        Assert.Single(sent, m => m.Body == ConversationGrain.OverflowReply);
    }
}
