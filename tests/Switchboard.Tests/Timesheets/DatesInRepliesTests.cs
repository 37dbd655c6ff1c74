using Switchboard.Contracts;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Timesheets;

/// <summary>
/// Whole turns (Rules provider) around a new year: a date in another year than the sender's today is answered with
/// its year, else its weekday looks wrong ("Wed 10 Dec" is a 2025 date read on 30 Nov 2026).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DatesInRepliesTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>12:00 in Sydney on Monday 30 November 2026.</summary>
    private static readonly DateTimeOffset MondayNoonSydney = new(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);

    /// <summary>12:00 in Sydney on Friday 1 January 2027.</summary>
    private static readonly DateTimeOffset NewYearsDayNoonSydney = new(2027, 1, 1, 1, 0, 0, TimeSpan.Zero);

    private ConversationDriver Conversations { get; } = new(fixture);

    /// <summary>Sends a message as if it arrived at <paramref name="receivedAt"/> and waits for its reply.</summary>
    private async Task<string> SayAtAsync(string phone, string text, DateTimeOffset receivedAt)
    {
        var before = fixture.Outbox.AcceptedFor(phone).Count;
        var sms = TestSms.From(phone, text) with { ReceivedAt = receivedAt };
        Assert.Equal(AcceptOutcome.Queued, await fixture.Grains.GetGrain<IConversationGrain>(phone).Accept(sms));
        return (await fixture.Outbox.WaitForAsync(phone, before + 1, Timeout))[before].Body;
    }

    [Fact]
    public async Task A_date_read_as_last_year_is_refused_with_its_year()
    {
        var phone = await Conversations.RegisterAsync();

        var reply = await SayAtAsync(phone, "log 1h Apollo 10 Dec", MondayNoonSydney);

        Assert.Contains("Wed 10 Dec 2025 is too far back: I keep the last 12 weeks.", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_date_of_this_year_is_still_answered_without_the_year()
    {
        var phone = await Conversations.RegisterAsync();

        var reply = await SayAtAsync(phone, "log 1h Apollo 27 Nov", MondayNoonSydney);

        Assert.Contains("Logged 1h on Apollo for Fri 27 Nov.", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hours_logged_on_new_years_day_for_last_year_are_confirmed_with_the_year()
    {
        var phone = await Conversations.RegisterAsync();

        var logged = await SayAtAsync(phone, "log 2h Apollo 28 Dec", NewYearsDayNoonSydney);
        var status = await SayAtAsync(phone, "hours", NewYearsDayNoonSydney);
        var undone = await SayAtAsync(phone, "undo", NewYearsDayNoonSydney);

        Assert.Contains("Logged 2h on Apollo for Mon 28 Dec 2026. Week total: 2h.", logged, StringComparison.Ordinal);
        Assert.Contains("Week of Mon 28 Dec 2026: Apollo 2h. Total: 2h.", status, StringComparison.Ordinal);
        Assert.Contains("Removed 2h on Apollo for Mon 28 Dec 2026.", undone, StringComparison.Ordinal);
    }
}
