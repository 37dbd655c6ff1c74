extern alias loadtool;

using loadtool::Switchboard.LoadTest;
using Switchboard.Contracts;

namespace Switchboard.Tests.LoadTool;

/// <summary>The load tool's inputs: its senders must be numbers the webhook accepts, its options parse as documented.</summary>
public sealed class LoadToolTests
{
    [Fact]
    public void Senders_are_distinct_valid_E164_numbers_and_the_same_for_the_same_seed()
    {
        var senders = SenderPlan.Senders(5000, seed: 7);

        Assert.Equal(5000, senders.Distinct().Count());
        Assert.Equal(senders, SenderPlan.Senders(5000, seed: 7));
        Assert.NotEqual(senders, SenderPlan.Senders(5000, seed: 8));
        Assert.All(senders, s => Assert.True(E164.TryNormalize(s, "US", out var e164) && e164 == s, s));
    }

    [Fact]
    public void Message_sids_look_like_Twilios_and_never_repeat()
    {
        var sids = Enumerable.Range(0, 1000).Select(_ => SenderPlan.NewMessageSid()).ToList();

        Assert.All(sids, s => Assert.Matches("^SM[0-9a-f]{32}$", s));
        Assert.Equal(sids.Count, sids.Distinct().Count());
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("45", 45_000)]
    public void Durations_parse(string text, double milliseconds)
    {
        Assert.True(ValueParsers.TryParseDuration(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("soon")]
    public void Bad_durations_are_refused(string text) => Assert.False(ValueParsers.TryParseDuration(text, out _));

    [Theory]
    [InlineData("200/s", 200)]
    [InlineData("50", 50)]
    [InlineData("0.5/s", 0.5)]
    public void Rates_parse(string text, double perSecond)
    {
        Assert.True(ValueParsers.TryParseRate(text, out var rate));
        Assert.Equal(perSecond, rate);
    }
}
