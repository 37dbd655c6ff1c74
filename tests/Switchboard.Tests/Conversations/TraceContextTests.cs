using System.Diagnostics;
using Switchboard.Contracts;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>The trace context a message came with is kept with it: its turn's record names the trace (no tracer needed).</summary>
[Collection(ClusterCollection.Name)]
public sealed class TraceContextTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_turn_record_names_the_trace_of_the_message_it_answered()
    {
        var phone = TestSms.NewPhone();
        var traceId = ActivityTraceId.CreateRandom();
        var traced = TestSms.From(phone, "help") with { TraceParent = $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01" };
        var untraced = TestSms.From(phone, "status");
        var conversation = fixture.Grains.GetGrain<IConversationGrain>(phone);

        await conversation.Accept(traced);
        await conversation.Accept(untraced);
        await fixture.Outbox.WaitForAsync(phone, 2, Timeout);
        await Eventually.HoldsAsync(async () => (await conversation.GetView()).RecentTurns.Count == 2, Timeout, "both turns recorded");

        var turns = (await conversation.GetView()).RecentTurns;
        Assert.Equal(traceId.ToHexString(), turns.Single(t => t.MessageSid == traced.MessageSid).TraceId);
        Assert.NotEqual(traceId.ToHexString(), turns.Single(t => t.MessageSid == untraced.MessageSid).TraceId); // null, unless a tracer in this process (TracingTests) started it a trace
    }
}
