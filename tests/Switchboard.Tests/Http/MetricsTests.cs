using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>What operators alert on is there from the start, not only after it first happens.</summary>
[Collection(HttpCollection.Name)]
public sealed class MetricsTests(HttpFixture fixture)
{
    private static readonly string[] Counters =
    [
        "switchboard_messages_duplicate_total", "switchboard_messages_dropped_total", "switchboard_messages_lost_total",
        "switchboard_turns_answered_total", "switchboard_turns_failed_total", "switchboard_outbound_accepted_total",
        "switchboard_outbound_retries_total", "switchboard_outbound_failed_total",
    ];

    [Fact]
    public async Task Every_switchboard_counter_is_scraped_from_the_start_of_a_fresh_host()
    {
        await using var factory = new SwitchboardFactory(fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl);

        var metrics = await factory.CreateClient().GetStringAsync("/metrics");

        // A series line ("name{otel_scope_name=...} value ..."), not just the # TYPE comment.
        var series = metrics.Split('\n').Where(l => !l.StartsWith('#')).ToList();
        Assert.All(Counters, counter => Assert.Contains(series, l => l.StartsWith(counter, StringComparison.Ordinal)));
    }
}
