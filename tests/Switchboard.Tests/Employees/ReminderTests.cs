using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Contracts;
using Switchboard.Grains.Employees;
using Switchboard.Grains.Timesheets;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Employees;

/// <summary>
/// The test cluster with employee reminders checking every 100 ms and a fake clock for the employees' week
/// (the Orleans runtime keeps the real one, so reminders really tick).
/// </summary>
public sealed class ReminderClusterFixture : ClusterFixture
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Timesheet:ReminderCheckPeriod"] = "00:00:00.100";
        settings["Timesheet:ReminderDay"] = "Friday";
        settings["Timesheet:ReminderTime"] = "16:00";
        settings["Employees:AutoEnroll"] = "false";
        return settings;
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddKeyedSingleton<TimeProvider>(EmployeeGrain.ReminderClock, Clock);
}

[CollectionDefinition(Name)]
public sealed class ReminderCollection : ICollectionFixture<ReminderClusterFixture>
{
    public const string Name = "reminders";
}

[Collection(ReminderCollection.Name)]
public sealed class ReminderTests(ReminderClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Sydney is UTC+11 in November: 05:00 UTC is 16:00 local.</summary>
    private static readonly DateTimeOffset FridayBeforeFourSydney = new(2026, 11, 27, 4, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FridayAfterFourSydney = new(2026, 11, 27, 5, 5, 0, TimeSpan.Zero);
    private static readonly DateOnly Week = new(2026, 11, 23);

    private async Task<string> EnrolAsync()
    {
        var phone = TestSms.NewPhone();
        await fixture.Grains.GetGrain<IEmployeeGrain>(phone).Register(new EmployeeProfile($"rem-{phone}", "Alice Smith", "Australia/Sydney"));
        return phone;
    }

    private static string ReminderId(string phone) => OutboundId.For(phone, $"reminder-{Week:yyyy-MM-dd}", "reminder");

    /// <summary>Lets several reminder periods pass, to show that something did not happen.</summary>
    private static Task SeveralTicks() => Task.Delay(TimeSpan.FromMilliseconds(800));

    [Fact]
    public async Task Reminds_an_employee_who_has_not_submitted_once_the_local_time_comes_and_only_once()
    {
        fixture.Clock.AdjustTime(FridayBeforeFourSydney);
        var phone = await EnrolAsync();
        await fixture.Grains.GetGrain<ITimesheetGrain>($"rem-{phone}").Log(new LogRequest("SM-r1", Week, "Apollo", 8, Week.AddDays(4)));

        await SeveralTicks();
        Assert.Empty(fixture.Outbox.AcceptedFor(phone));

        fixture.Clock.AdjustTime(FridayAfterFourSydney);
        var reminder = Assert.Single(await fixture.Outbox.WaitForAsync(phone, 1, Timeout));
        await SeveralTicks();

        Assert.Single(fixture.Outbox.AcceptedFor(phone));
        Assert.Equal(ReminderId(phone), reminder.Purpose);
        Assert.Contains("please submit your timesheet for the week of Mon 23 Nov", reminder.Body, StringComparison.Ordinal);
        Assert.Contains("You have 8h logged", reminder.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Does_not_remind_after_the_week_is_submitted_or_a_number_that_opted_out()
    {
        fixture.Clock.AdjustTime(FridayBeforeFourSydney);
        var submitted = await EnrolAsync();
        var sheet = fixture.Grains.GetGrain<ITimesheetGrain>($"rem-{submitted}");
        await sheet.Log(new LogRequest("SM-s1", Week, "Apollo", 8, Week.AddDays(4)));
        await sheet.Submit("SM-s2", Week.AddDays(4));
        var optedOut = await EnrolAsync();
        Assert.Equal(AcceptOutcome.OptedOut, await fixture.Grains.GetGrain<IConversationGrain>(optedOut).Accept(TestSms.From(optedOut, "STOP")));
        var control = await EnrolAsync();

        fixture.Clock.AdjustTime(FridayAfterFourSydney);
        await fixture.Outbox.WaitForAsync(control, 1, Timeout);
        await SeveralTicks();

        Assert.Empty(fixture.Outbox.AcceptedFor(submitted));
        Assert.Empty(fixture.Outbox.AcceptedFor(optedOut));
        Assert.Null(await fixture.Grains.GetGrain<IOutboundSmsGrain>(ReminderId(optedOut)).GetView());
    }

    [Fact]
    public async Task A_removed_employee_is_not_reminded()
    {
        fixture.Clock.AdjustTime(FridayBeforeFourSydney);
        var removed = await EnrolAsync();
        Assert.True(await fixture.Grains.GetGrain<IEmployeeGrain>(removed).Remove());
        var control = await EnrolAsync();

        fixture.Clock.AdjustTime(FridayAfterFourSydney);
        await fixture.Outbox.WaitForAsync(control, 1, Timeout);
        await SeveralTicks();

        Assert.Empty(fixture.Outbox.AcceptedFor(removed));
    }

    [Fact]
    public async Task A_reminder_goes_from_the_number_the_employee_last_texted()
    {
        fixture.Clock.AdjustTime(FridayBeforeFourSydney);
        var phone = await EnrolAsync();
        const string secondNumber = "+15005550007";
        await fixture.Grains.GetGrain<IConversationGrain>(phone).Accept(TestSms.From(phone, "hours") with { To = secondNumber });
        var reply = Assert.Single(await fixture.Outbox.WaitForAsync(phone, 1, Timeout));

        fixture.Clock.AdjustTime(FridayAfterFourSydney);
        var sent = await fixture.Outbox.WaitForAsync(phone, 2, Timeout);

        var reminder = Assert.Single(sent, m => m.Purpose == ReminderId(phone));
        Assert.Equal(secondNumber, reply.From);
        Assert.Equal(secondNumber, reminder.From);
    }

    [Fact]
    public async Task A_reminder_goes_by_email_to_an_employee_whose_last_message_was_an_email()
    {
        fixture.Clock.AdjustTime(FridayBeforeFourSydney);
        var phone = TestSms.NewPhone();
        var address = $"rem.{Guid.NewGuid():N}@example.com";
        await fixture.Grains.GetGrain<IEmployeeGrain>(phone).Register(new EmployeeProfile($"rem-{phone}", "Alice Smith", "Australia/Sydney") { Email = address });
        var mail = TestSms.From(phone, "hours") with { Channel = MessageChannel.Email, Email = new InboundEmail(address, "Hours") { MessageId = "<m1@example.com>" } };
        await fixture.Grains.GetGrain<IConversationGrain>(phone).Accept(mail);

        fixture.Clock.AdjustTime(FridayAfterFourSydney);

        OutboundView? reminder = null;
        await Eventually.HoldsAsync(
            async () => (reminder = await fixture.Grains.GetGrain<IOutboundSmsGrain>(ReminderId(phone)).GetView()) is { Status: DeliveryStatus.Accepted },
            Timeout,
            "the reminder sent");
        Assert.Equal(MessageChannel.Email, reminder!.Channel);
        Assert.Empty(fixture.Outbox.AcceptedFor(phone)); // nothing by SMS: the reply and the reminder went by email
    }
}
