using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.Rules;
using Switchboard.Grains.Employees;
using Switchboard.Grains.Timesheets;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Agents;

/// <summary>Whole turns through the grains (Rules provider): SMS in, reply out through the outbound grain.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TimesheetConversationTests(ClusterFixture fixture)
{
    private ConversationDriver Conversations { get; } = new(fixture);

    [Fact]
    public async Task Logs_checks_undoes_and_submits_a_week_by_sms()
    {
        var (logged, status, undone, relogged, submitted, locked, help) = await Conversations.LiveAWeekAsync();

        Assert.StartsWith("Logged 8h on Apollo for ", logged, StringComparison.Ordinal);
        Assert.Contains("Week total: 8h.", logged, StringComparison.Ordinal);
        Assert.Contains("Apollo 8h", status, StringComparison.Ordinal);
        Assert.Contains("Total: 8h", status, StringComparison.Ordinal);
        Assert.StartsWith("Removed 8h on Apollo", undone, StringComparison.Ordinal);
        Assert.Contains("Week total: 0h.", undone, StringComparison.Ordinal);
        Assert.Contains("Week total: 7.5h.", relogged, StringComparison.Ordinal);
        Assert.StartsWith("Submitted the week of ", submitted, StringComparison.Ordinal);
        Assert.Contains("7.5h in total", submitted, StringComparison.Ordinal);
        Assert.Contains("already submitted", locked, StringComparison.Ordinal);
        Assert.StartsWith(ComposerStep.UsageText, help, StringComparison.Ordinal);
        Assert.Contains("'log 8h on Apollo today' to log hours", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_week_of_many_projects_is_answered_whole_within_one_message()
    {
        // About 650 characters: more than 3 segments, well within the 1,600 of one Twilio message.
        var phone = await Conversations.RegisterAsync();
        var projects = Enumerable.Range(1, 12).Select(i => $"Apollo-Guidance-Computer-Upgrade-{i:00}").ToList();
        foreach (var project in projects)
        {
            await Conversations.SayAsync(phone, $"log 1h on {project} today");
        }

        var status = await Conversations.SayAsync(phone, "check my timesheet");

        Assert.All(projects, project => Assert.Contains($"{project} 1h", status, StringComparison.Ordinal));
        Assert.Contains("Total: 12h", status, StringComparison.Ordinal);
        Assert.InRange(status.Length, 500, 1_600);
    }

    [Fact]
    public async Task Cancel_is_not_undo_and_yes_from_a_sender_who_never_opted_out_is_answered()
    {
        var phone = await Conversations.RegisterAsync();
        await Conversations.SayAsync(phone, "log 8h on Apollo today");

        // "cancel" is one of Twilio's opt-out words: it must never remove hours.
        var cancel = await Conversations.SayAsync(phone, "cancel that entry");
        var yes = await Conversations.SayAsync(phone, "yes");
        var status = await Conversations.SayAsync(phone, "check my timesheet");

        Assert.DoesNotContain("Removed", cancel, StringComparison.Ordinal);
        Assert.StartsWith(ComposerStep.UsageText, yes, StringComparison.Ordinal);
        Assert.Contains("Apollo 8h", status, StringComparison.Ordinal);
        Assert.False((await fixture.Grains.GetGrain<IConversationGrain>(phone).GetView()).OptedOut);
    }

    [Fact]
    public async Task Four_logs_back_to_back_are_answered_in_order_with_running_totals()
    {
        var phone = await Conversations.RegisterAsync();
        var replies = await Conversations.BurstAsync(phone, "log 1h on Apollo today", "log 2h on Zeus today", "log 3h on Apollo today", "log 4h on Hermes today");

        Assert.Contains("Logged 1h on Apollo", replies[0], StringComparison.Ordinal);
        Assert.Contains("Week total: 1h.", replies[0], StringComparison.Ordinal);
        Assert.Contains("Week total: 3h.", replies[1], StringComparison.Ordinal);
        Assert.Contains("Week total: 6h.", replies[2], StringComparison.Ordinal);
        Assert.Contains("Week total: 10h.", replies[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_a_numeric_date_the_way_the_senders_country_writes_it()
    {
        var american = await Conversations.RegisterAsync();
        var australian = await Conversations.RegisterAsync(phone: $"+614{TestSms.NewPhone()[^8..]}");
        // A recent day that reads as another date with day and month swapped, e.g. 5 Nov vs 11 May.
        var today = TimesheetCalendar.Today(DateTimeOffset.UtcNow, "Australia/Sydney");
        var day = Enumerable.Range(1, 40).Select(back => today.AddDays(-back)).First(d => d.Day <= 12 && d.Day != d.Month);

        var americanReply = await Conversations.SayAsync(american, $"log 2h on Zeus {day.Month}/{day.Day}");
        var australianReply = await Conversations.SayAsync(australian, $"log 2h on Zeus {day.Day}/{day.Month}");

        var expected = $"Logged 2h on Zeus for {day.ToString("ddd d MMM", System.Globalization.CultureInfo.InvariantCulture)}.";
        Assert.StartsWith(expected, americanReply, StringComparison.Ordinal);
        Assert.StartsWith(expected, australianReply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asks_when_the_hours_are_missing_and_refuses_impossible_hours()
    {
        var phone = await Conversations.RegisterAsync();

        var question = await Conversations.SayAsync(phone, "log Apollo");
        var refused = await Conversations.SayAsync(phone, "log 25h on Apollo today");

        Assert.Contains("How many hours on Apollo?", question, StringComparison.Ordinal);
        Assert.Contains("at most 24h", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_sender_is_enrolled_as_a_guest_when_auto_enrol_is_on()
    {
        var phone = TestSms.NewPhone();

        var logged = await Conversations.SayAsync(phone, "log 8h on Apollo today");

        Assert.StartsWith("Logged 8h on Apollo", logged, StringComparison.Ordinal);
        var guest = await fixture.Grains.GetGrain<IEmployeeGrain>(phone).Get();
        Assert.True(guest!.IsGuest);
        Assert.Equal("Guest", guest.Name);
        // Not the number (it is logged and keys the timesheet), but always the same for it.
        Assert.Matches("^guest-[0-9a-f]{16}$", guest.EmployeeId);
        Assert.Equal(EmployeeGrain.GuestId(phone, PrivacyOptions.DevelopmentHashKey), guest.EmployeeId);
        Assert.NotEqual(EmployeeGrain.GuestId(TestSms.NewPhone(), PrivacyOptions.DevelopmentHashKey), guest.EmployeeId);
    }

    [Fact]
    public async Task An_unknown_sender_is_not_served_when_auto_enrol_is_off()
    {
        var step = new TimesheetStep(fixture.Grains, Options.Create(new EmployeeOptions { AutoEnroll = false }));
        var phone = TestSms.NewPhone();
        var context = new TurnContext(phone, TestSms.NewSid(), "log 8h on Apollo today", DateTimeOffset.UtcNow)
        {
            Plan = new TurnPlan(Intent.Log) { Hours = 8, Project = "Apollo" },
        };

        var result = await step.RunAsync(context, CancellationToken.None);

        Assert.Equal(OutcomeKind.NotRegistered, result.Outcome!.Kind);
        Assert.Null(await fixture.Grains.GetGrain<IEmployeeGrain>(phone).Get());
    }

    [Fact]
    public async Task A_turn_received_before_midnight_logs_on_the_day_it_arrived_however_late_it_runs()
    {
        // Received 23:59 on Friday 27 Nov in Sydney, planned and carried out long after midnight (now): still Friday.
        var phone = await Conversations.RegisterAsync();
        var receivedAt = new DateTimeOffset(2026, 11, 27, 23, 59, 0, TimeSpan.FromHours(11));
        var planner = new PlannerStep(new RulesPlanner(), fixture.Grains, Options.Create(new TimesheetOptions()));
        var timesheet = new TimesheetStep(fixture.Grains, Options.Create(new EmployeeOptions()));
        var context = new TurnContext(phone, TestSms.NewSid(), "log 8h on Apollo today", receivedAt);

        var planned = await planner.RunAsync(context, CancellationToken.None);
        var done = await timesheet.RunAsync(planned, CancellationToken.None);

        var friday = new DateOnly(2026, 11, 27);
        Assert.Equal(friday, planned.Today);
        Assert.Equal(OutcomeKind.Logged, done.Outcome!.Kind);
        Assert.Equal(friday, done.Outcome.Entry!.Date);
    }
}
