using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Contracts;
using Switchboard.Grains.Employees;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Outbound;

namespace Switchboard.Tests.WhatsApp;

/// <summary>
/// The test cluster sending through the real Twilio SDK to the fake Twilio, with a WhatsApp sender and reminder
/// template configured, and a fake clock for the employees' week (reminders check every 100 ms).
/// </summary>
public sealed class WhatsAppClusterFixture : TwilioClusterFixture
{
    public const string WhatsAppFrom = "whatsapp:+14155238886";
    public const string TemplateSid = "HX0123456789abcdef0123456789abcdef";

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Twilio:WhatsAppFrom"] = WhatsAppFrom;
        settings["Twilio:WhatsAppReminderContentSid"] = TemplateSid;
        settings["Timesheet:ReminderCheckPeriod"] = "00:00:00.100";
        settings["Timesheet:ReminderDay"] = "Friday";
        settings["Timesheet:ReminderTime"] = "16:00";
        return settings;
    }

    protected override void ConfigureServices(IServiceCollection services)
    {
        base.ConfigureServices(services);
        services.AddKeyedSingleton<TimeProvider>(EmployeeGrain.ReminderClock, Clock);
    }
}

[CollectionDefinition(Name)]
public sealed class WhatsAppClusterCollection : ICollectionFixture<WhatsAppClusterFixture>
{
    public const string Name = "whatsapp-cluster";
}

/// <summary>WhatsApp's 24-hour window: outside it, replies and reminders go as the configured template.</summary>
[Collection(WhatsAppClusterCollection.Name)]
public sealed class WhatsAppWindowTests(WhatsAppClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Sydney is UTC+11 in November: 05:00 UTC is 16:00 local.</summary>
    private static readonly DateTimeOffset FridayBeforeFourSydney = new(2026, 11, 27, 4, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FridayAfterFourSydney = new(2026, 11, 27, 5, 5, 0, TimeSpan.Zero);

    [Fact]
    public async Task Replies_and_reminders_outside_the_window_go_as_the_template_and_inside_it_as_text()
    {
        fixture.Clock.AdjustTime(FridayBeforeFourSydney);
        var late = await EnrolAsync();
        var recent = await EnrolAsync();

        // One wrote 25 hours ago (answered late, after a backlog), the other just now.
        await WhatsAppAsync(late, "check my timesheet", DateTimeOffset.UtcNow.AddHours(-25));
        await WhatsAppAsync(recent, "check my timesheet", DateTimeOffset.UtcNow);

        var lateReply = Assert.Single(await fixture.Twilio.WaitForAsync("whatsapp:" + late, 1, Timeout));
        Assert.Equal(WhatsAppClusterFixture.TemplateSid, lateReply.ContentSid);
        Assert.Contains("Nothing logged yet", lateReply.ContentVariables, StringComparison.Ordinal);
        Assert.Equal("", lateReply.Body);
        Assert.Equal(WhatsAppClusterFixture.WhatsAppFrom, lateReply.From);
        var recentReply = Assert.Single(await fixture.Twilio.WaitForAsync("whatsapp:" + recent, 1, Timeout));
        Assert.Null(recentReply.ContentSid);
        Assert.Contains("Nothing logged yet", recentReply.Body, StringComparison.Ordinal);

        // Friday afternoon: both are reminded on WhatsApp, where they last wrote.
        fixture.Clock.AdjustTime(FridayAfterFourSydney);
        var lateReminder = (await fixture.Twilio.WaitForAsync("whatsapp:" + late, 2, Timeout))[1];
        var recentReminder = (await fixture.Twilio.WaitForAsync("whatsapp:" + recent, 2, Timeout))[1];

        Assert.Equal(WhatsAppClusterFixture.TemplateSid, lateReminder.ContentSid);
        Assert.Contains("please submit your timesheet", lateReminder.ContentVariables, StringComparison.Ordinal);
        Assert.Null(recentReminder.ContentSid);
        Assert.Contains("please submit your timesheet", recentReminder.Body, StringComparison.Ordinal);
        Assert.Empty(fixture.Twilio.AcceptedTo(late)); // never by SMS
        Assert.Empty(fixture.Twilio.AcceptedTo(recent));

        var view = await fixture.Grains.GetGrain<IOutboundSmsGrain>(OutboundId.For(late, "reminder-2026-11-23", "reminder")).GetView();
        Assert.Equal(WhatsAppClusterFixture.TemplateSid, view?.ContentSid);
        Assert.Equal(MessageChannel.WhatsApp, view?.Channel);
    }

    private async Task<string> EnrolAsync()
    {
        var phone = TestSms.NewPhone();
        await fixture.Grains.GetGrain<IEmployeeGrain>(phone).Register(new EmployeeProfile($"wa-{phone}", "Alice Smith", "Australia/Sydney"));
        return phone;
    }

    private Task WhatsAppAsync(string phone, string body, DateTimeOffset receivedAt) =>
        fixture.Grains.GetGrain<IConversationGrain>(phone).Accept(
            new InboundSms(TestSms.NewSid(), phone, WhatsAppClusterFixture.WhatsAppFrom, body, receivedAt) { Channel = MessageChannel.WhatsApp });
}
