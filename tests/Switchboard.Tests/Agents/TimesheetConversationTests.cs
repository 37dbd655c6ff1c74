using Microsoft.Extensions.Options;
using Switchboard.Contracts;
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
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private async Task<string> RegisterAsync(string name = "Alice Smith")
    {
        var phone = TestSms.NewPhone();
        await fixture.Grains.GetGrain<IEmployeeGrain>(phone).Register(new EmployeeProfile($"emp-{phone}", name, "Australia/Sydney"));
        return phone;
    }

    private async Task<string> SayAsync(string phone, string text)
    {
        var before = fixture.Outbox.AcceptedFor(phone).Count;
        Assert.Equal(AcceptOutcome.Queued, await fixture.Grains.GetGrain<IConversationGrain>(phone).Accept(TestSms.From(phone, text)));
        var replies = await fixture.Outbox.WaitForAsync(phone, before + 1, Timeout);
        return replies[before].Body;
    }

    [Fact]
    public async Task Logs_checks_undoes_and_submits_a_week_by_sms()
    {
        var phone = await RegisterAsync();

        var logged = await SayAsync(phone, "log 8h on Apollo today");
        var status = await SayAsync(phone, "check my timesheet");
        var undone = await SayAsync(phone, "undo");
        var relogged = await SayAsync(phone, "log 7.5 hours Apollo today");
        var submitted = await SayAsync(phone, "submit");
        var locked = await SayAsync(phone, "log 1h on Apollo today");
        var help = await SayAsync(phone, "what's the weather like");

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
    public async Task Four_logs_back_to_back_are_answered_in_order_with_running_totals()
    {
        var phone = await RegisterAsync();
        var conversation = fixture.Grains.GetGrain<IConversationGrain>(phone);
        string[] texts = ["log 1h on Apollo today", "log 2h on Zeus today", "log 3h on Apollo today", "log 4h on Hermes today"];
        var sms = texts.Select(t => TestSms.From(phone, t)).ToList();

        foreach (var message in sms)
        {
            await conversation.Accept(message);
        }

        var replies = await fixture.Outbox.WaitForAsync(phone, 4, Timeout);

        // Each reply is matched to its message by the outbound id, so the check holds whatever order the carrier saw.
        string ReplyTo(InboundSms m) => Assert.Single(replies, r => r.Purpose == OutboundId.ForReply(phone, m.MessageSid)).Body;
        Assert.Contains("Logged 1h on Apollo", ReplyTo(sms[0]), StringComparison.Ordinal);
        Assert.Contains("Week total: 1h.", ReplyTo(sms[0]), StringComparison.Ordinal);
        Assert.Contains("Week total: 3h.", ReplyTo(sms[1]), StringComparison.Ordinal);
        Assert.Contains("Week total: 6h.", ReplyTo(sms[2]), StringComparison.Ordinal);
        Assert.Contains("Week total: 10h.", ReplyTo(sms[3]), StringComparison.Ordinal);
        Assert.Equal([.. sms.Select(m => OutboundId.ForReply(phone, m.MessageSid))], replies.Select(r => r.Purpose));
    }

    [Fact]
    public async Task Asks_when_the_hours_are_missing_and_refuses_impossible_hours()
    {
        var phone = await RegisterAsync();

        var question = await SayAsync(phone, "log Apollo");
        var refused = await SayAsync(phone, "log 25h on Apollo today");

        Assert.Contains("How many hours on Apollo?", question, StringComparison.Ordinal);
        Assert.Contains("at most 24h", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_sender_is_enrolled_as_a_guest_when_auto_enrol_is_on()
    {
        var phone = TestSms.NewPhone();

        var logged = await SayAsync(phone, "log 8h on Apollo today");

        Assert.StartsWith("Logged 8h on Apollo", logged, StringComparison.Ordinal);
        var guest = await fixture.Grains.GetGrain<IEmployeeGrain>(phone).Get();
        Assert.True(guest!.IsGuest);
        Assert.Equal("Guest", guest.Name);
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
        var phone = await RegisterAsync();
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
