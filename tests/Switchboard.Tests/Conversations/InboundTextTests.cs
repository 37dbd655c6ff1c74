using Switchboard.Grains.Conversations;

namespace Switchboard.Tests.Conversations;

/// <summary>What the agents read of a message: cleaned, and cut at a word when it is too long.</summary>
public sealed class InboundTextTests
{
    [Fact]
    public void A_cut_never_splits_a_word()
    {
        // Cut at 1,600 characters, "Apollo" would become "Ap": logged as another project.
        var body = new string('a', 1590) + " log 2h Apollo today";

        var text = InboundText.ForAgents(body);

        Assert.EndsWith(" log 2h", text, StringComparison.Ordinal);
        Assert.True(text.Length <= InboundText.MaxLength);
    }

    [Fact]
    public void A_cut_that_falls_between_words_keeps_all_it_can()
    {
        var body = new string('a', InboundText.MaxLength - 3) + " hi there";

        Assert.Equal(body[..InboundText.MaxLength], InboundText.ForAgents(body));
    }

    [Fact]
    public void One_long_word_is_cut_where_it_must_and_short_texts_are_kept_whole()
    {
        Assert.Equal(InboundText.MaxLength, InboundText.ForAgents(new string('x', 5000)).Length);
        Assert.Equal("log 8h on Apollo today", InboundText.ForAgents("log 8h on Apollo today"));
        Assert.Equal("log 8h  on Apollo", InboundText.ForAgents("log 8h\0 on Apollo"));
    }
}
