using Switchboard.Grains.Summary;

namespace Switchboard.Tests.Summary;

/// <summary>The turns-per-minute figure of the summary and the console's overview, from a silo's running total.</summary>
public sealed class LastMinuteTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Within_the_first_minute_everything_since_the_first_report_counts()
    {
        var window = new LastMinute();

        Assert.Equal(0, window.Add(Start, 0));
        Assert.Equal(4, window.Add(Start.AddSeconds(5), 4));
        Assert.Equal(9, window.Add(Start.AddSeconds(30), 9));
    }

    [Fact]
    public void Turns_older_than_a_minute_drop_out()
    {
        var window = new LastMinute();
        for (var second = 0; second <= 120; second += 5)
        {
            window.Add(Start.AddSeconds(second), second); // one turn a second
        }

        Assert.Equal(60, window.Add(Start.AddSeconds(125), 125));
        Assert.Equal(0, window.Add(Start.AddSeconds(200), 125)); // quiet for over a minute
    }
}
