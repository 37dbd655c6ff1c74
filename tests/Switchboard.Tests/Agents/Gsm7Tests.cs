using Switchboard.Grains.Agents;

namespace Switchboard.Tests.Agents;

public sealed class Gsm7Tests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    [InlineData(459, 3)]
    [InlineData(460, 4)]
    public void Counts_gsm7_segments(int length, int segments) => Assert.Equal(segments, Gsm7.Segments(new string('a', length)));

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Counts_ucs2_segments(int length, int segments) =>
        Assert.Equal(segments, Gsm7.Segments("\u4E2D" + new string('a', length - 1)));

    [Fact]
    public void Extension_characters_take_two_septets()
    {
        Assert.Equal(1, Gsm7.Segments(new string('{', 80)));
        Assert.Equal(2, Gsm7.Segments(new string('{', 81)));
    }

    [Theory]
    [InlineData("it\u2019s", "it's")]
    [InlineData("\u201Cquoted\u201D", "\"quoted\"")]
    [InlineData("a \u2013 b \u2014 c", "a - b - c")]
    [InlineData("wait\u2026", "wait...")]
    [InlineData("8\u00A0h", "8 h")]
    [InlineData("zero\u200Bwidth", "zerowidth")]
    [InlineData("Jos\u00E9 Garc\u00EDa", "Jos\u00E9 Garcia")]
    public void Normalises_look_alikes(string text, string expected)
    {
        Assert.Equal(expected, Gsm7.Normalize(text));
        Assert.True(Gsm7.IsGsm7(Gsm7.Normalize(text)));
    }

    [Fact]
    public void Leaves_what_has_no_gsm7_form()
    {
        Assert.Equal("ok \U0001F44D", Gsm7.Normalize("ok \U0001F44D"));
        Assert.False(Gsm7.IsGsm7("ok \U0001F44D"));
    }
}
