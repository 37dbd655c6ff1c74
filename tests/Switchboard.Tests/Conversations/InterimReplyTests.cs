using Switchboard.Contracts;
using Switchboard.Grains.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>A 5 x 300 ms chain with Conversation:InterimReplyAfter = 500 ms.</summary>
public sealed class InterimReplyClusterFixture : ClusterFixture
{
    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Agents:StepDelayMs"] = "300";
        settings["Conversation:InterimReplyAfter"] = "00:00:00.500";
        return settings;
    }
}

public sealed class InterimReplyTests : IClassFixture<InterimReplyClusterFixture>
{
    private readonly InterimReplyClusterFixture _fixture;

    public InterimReplyTests(InterimReplyClusterFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task A_long_turn_sends_one_working_on_it_message_before_the_answer()
    {
        var phone = TestSms.NewPhone();

        await _fixture.Grains.GetGrain<IConversationGrain>(phone).Accept(TestSms.From(phone, "help"));

        var sent = await _fixture.Outbox.WaitForAsync(phone, 2, TimeSpan.FromSeconds(20));
        Assert.Equal(ConversationGrain.InterimReply, sent[0].Body);
        Assert.Contains("log", sent[1].Body, StringComparison.OrdinalIgnoreCase);
        await Task.Delay(300);
        Assert.Equal(2, _fixture.Outbox.AcceptedFor(phone).Count);
    }
}
