using Switchboard.Grains.Conversations;

namespace Switchboard.Tests.Conversations;

public sealed class RecentMessagesTests
{
    [Fact]
    public void A_Twilio_MessageSid_is_keyed_by_its_hex_digits_and_any_other_id_by_a_hash()
    {
        const string sid = "SM0123456789abcdef0123456789ABCDEF";

        Assert.Equal(Convert.FromHexString("0123456789abcdef0123456789ABCDEF"), RecentMessages.KeyOf(sid).ToByteArray());
        Assert.Equal(RecentMessages.KeyOf(sid), RecentMessages.KeyOf("SM0123456789abcdef0123456789abcdef")); // hex case does not matter
        Assert.NotEqual(RecentMessages.KeyOf(sid), RecentMessages.KeyOf("SM0123456789abcdef0123456789abcdee"));
        Assert.NotEqual(RecentMessages.KeyOf("test-1"), RecentMessages.KeyOf("test-2"));
    }

    [Fact]
    public void Remembers_the_last_ids_up_to_the_horizon()
    {
        var recent = new RecentMessages();
        for (var i = 0; i < 70; i++)
        {
            recent.Add($"SM{i:D32}", horizon: 64);
        }

        Assert.Equal(64, recent.Keys.Count);
        Assert.False(recent.Contains($"SM{5:D32}"));
        Assert.True(recent.Contains($"SM{6:D32}"));
        Assert.True(recent.Contains($"SM{69:D32}"));
    }
}
