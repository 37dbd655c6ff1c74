using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>
/// A pipeline whose composer fails for texts containing "flaky" (the first two times per message) or "broken" (always),
/// and an outbound grain that refuses the first two hand-offs of a reply to a text containing "handoff" (as when its
/// storage is briefly down).
/// </summary>
public sealed class FaultyAgentsClusterFixture : ClusterFixture
{
    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var standard = AgentPipeline.Standard(sp);
            return new AgentPipeline([standard[0], standard[1], new FaultyStep(standard[2]), standard[3], standard[4]]);
        });
        services.AddSingleton<IIncomingGrainCallFilter, FaultyHandOff>();
    }

    private sealed class FaultyHandOff : IIncomingGrainCallFilter
    {
        private readonly Dictionary<string, int> _failures = [];

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.Grain is IOutboundSmsGrain outbound && context.MethodName == nameof(IOutboundSmsGrain.Send))
            {
                var id = outbound.GetPrimaryKeyString();
                lock (_failures)
                {
                    var failed = _failures.GetValueOrDefault(id);
                    if (id.EndsWith(":reply", StringComparison.Ordinal) && HandOffMarker.IsMarked(id) && failed < 2)
                    {
                        _failures[id] = failed + 1;
                        throw new InvalidOperationException("grain storage is unavailable");
                    }
                }
            }

            return context.Invoke();
        }
    }

    private sealed class FaultyStep(IAgentStep inner) : IAgentStep
    {
        private readonly Dictionary<string, int> _failures = [];

        public string Name => inner.Name;

        public Task<TurnContext> RunAsync(TurnContext context, CancellationToken cancellationToken)
        {
            lock (_failures)
            {
                var failed = _failures.GetValueOrDefault(context.MessageSid);
                if (context.Text.Contains("broken") || (context.Text.Contains("flaky") && failed < 2))
                {
                    _failures[context.MessageSid] = failed + 1;
                    throw new InvalidOperationException("the model endpoint answered 503");
                }
            }

            return inner.RunAsync(context, cancellationToken);
        }
    }
}

/// <summary>MessageSids of the messages whose reply hand-off should fail at first.</summary>
public static class HandOffMarker
{
    public const string Suffix = "HANDOFF";

    public static bool IsMarked(string outboundId) => outboundId.Contains(Suffix, StringComparison.Ordinal);
}

[CollectionDefinition(Name)]
public sealed class FaultyAgentsCollection : ICollectionFixture<FaultyAgentsClusterFixture>
{
    public const string Name = "faulty-agents";
}

[Collection(FaultyAgentsCollection.Name)]
public sealed class StepFailureTests(FaultyAgentsClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_step_that_fails_briefly_is_retried_and_the_turn_answered()
    {
        var phone = TestSms.NewPhone();
        var conversation = fixture.Grains.GetGrain<IConversationGrain>(phone);

        await conversation.Accept(TestSms.From(phone, "flaky help"));

        var reply = Assert.Single(await fixture.Outbox.WaitForAsync(phone, 1, Timeout));
        Assert.NotEqual(ConversationGrain.ApologyReply, reply.Body);
        await Eventually.HoldsAsync(async () => (await conversation.GetView()).RecentTurns.Count == 1, Timeout, "the turn record");
        var turn = Assert.Single((await conversation.GetView()).RecentTurns);
        Assert.Equal("Answered", turn.Outcome);
        Assert.Equal(3, turn.Steps.Single(s => s.Step == "compose").Attempts);
    }

    [Fact]
    public async Task A_reply_whose_hand_off_fails_is_handed_off_again_and_sent_once()
    {
        var phone = TestSms.NewPhone();
        var conversation = fixture.Grains.GetGrain<IConversationGrain>(phone);

        await conversation.Accept(TestSms.From(phone, "help", TestSms.NewSid() + HandOffMarker.Suffix));
        await conversation.Accept(TestSms.From(phone, "status"));

        var replies = await fixture.Outbox.WaitForAsync(phone, 2, Timeout);
        Assert.Contains(HandOffMarker.Suffix, replies[0].Purpose, StringComparison.Ordinal);
        await Eventually.HoldsAsync(async () => (await conversation.GetView()).RecentTurns.Count == 2, Timeout, "both turn records");
        Assert.All((await conversation.GetView()).RecentTurns, t => Assert.Equal("Answered", t.Outcome));
        await Task.Delay(300);
        Assert.Equal(2, fixture.Outbox.AcceptedFor(phone).Count);
    }

    [Fact]
    public async Task A_step_that_keeps_failing_ends_the_turn_with_an_apology_visible_to_operators()
    {
        var phone = TestSms.NewPhone();
        var conversation = fixture.Grains.GetGrain<IConversationGrain>(phone);

        await conversation.Accept(TestSms.From(phone, "broken"));
        await conversation.Accept(TestSms.From(phone, "help"));

        var replies = await fixture.Outbox.WaitForAsync(phone, 2, Timeout);
        Assert.Equal(ConversationGrain.ApologyReply, replies[0].Body);
        Assert.NotEqual(ConversationGrain.ApologyReply, replies[1].Body);
        var failed = (await conversation.GetView()).RecentTurns[0];
        Assert.Equal("Failed", failed.Outcome);
        Assert.Contains("503", failed.Error);
    }
}
