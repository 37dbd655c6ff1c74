using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Switchboard.Contracts;
using Switchboard.Grains;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Employees;
using Switchboard.Grains.Timesheets;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Employees;

/// <summary>
/// A sender enrolled as a guest (Employees:AutoEnroll) who is then registered as an employee keeps what they logged:
/// whole turns through the grains, the registration as PUT /admin/employees/{phone} makes it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GuestRegistrationTests(ClusterFixture fixture)
{
    private ConversationDriver Conversations { get; } = new(fixture);

    private Task<EmployeeRegistration> RegisterAsync(string phone, string employeeId) =>
        fixture.Grains.GetGrain<IEmployeeGrain>(phone).Register(new EmployeeProfile(employeeId, "Grace", null));

    private static DateOnly Today => TimesheetCalendar.Today(DateTimeOffset.UtcNow, "Australia/Sydney");

    [Fact]
    public async Task Hours_logged_as_a_guest_are_still_there_once_registered_and_registering_again_does_not_double_them()
    {
        var phone = TestSms.NewPhone();
        var guest = await Conversations.SayAsync(phone, "log 8h on Apollo today");

        await RegisterAsync(phone, $"E200-{phone}");
        var registered = await Conversations.SayAsync(phone, "hours");
        await RegisterAsync(phone, $"E200-{phone}");
        await RegisterAsync(phone, $"E200-{phone}");
        var again = await Conversations.SayAsync(phone, "hours");

        Assert.Contains("Logged 8h on Apollo", guest, StringComparison.Ordinal);
        Assert.Contains("Apollo 8h. Total: 8h.", registered, StringComparison.Ordinal);
        Assert.Contains("Apollo 8h. Total: 8h.", again, StringComparison.Ordinal);
        Assert.Equal(0, (await fixture.Grains.GetGrain<ITimesheetGrain>(EmployeeGrain.GuestId(phone, PrivacyOptions.DevelopmentHashKey)).Status(Today)).Week!.TotalHours);
    }

    [Fact]
    public async Task A_week_submitted_as_a_guest_stays_submitted()
    {
        var phone = TestSms.NewPhone();
        await Conversations.SayAsync(phone, "log 8h on Apollo today");
        await Conversations.SayAsync(phone, "submit");

        await RegisterAsync(phone, $"E201-{phone}");
        var status = await Conversations.SayAsync(phone, "hours");
        var locked = await Conversations.SayAsync(phone, "log 1h on Apollo today");

        Assert.Contains("Apollo 8h. Total: 8h. Submitted.", status, StringComparison.Ordinal);
        Assert.Contains("already submitted", locked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_employees_own_entries_are_kept_once_beside_the_guests()
    {
        var phone = TestSms.NewPhone();
        var employeeId = $"E202-{phone}";
        await fixture.Grains.GetGrain<ITimesheetGrain>(employeeId).Log(new LogRequest(TestSms.NewSid(), Today, "Zeus", 3, Today));
        await Conversations.SayAsync(phone, "log 8h on Apollo today");

        await RegisterAsync(phone, employeeId);
        var status = await Conversations.SayAsync(phone, "hours");

        Assert.Contains("Zeus 3h, Apollo 8h. Total: 11h.", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guest_enrolled_before_ids_were_keyed_keeps_its_id_and_its_hours()
    {
        var phone = TestSms.NewPhone();
        var unkeyed = GuestIdTests.Unkeyed(phone);
        await fixture.Grains.GetGrain<ITimesheetGrain>(unkeyed).Log(new LogRequest(TestSms.NewSid(), Today, "Apollo", 8, Today));
        // The directory entry as an earlier version stored it.
        await fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.State).WriteStateAsync(
            "employee",
            fixture.Grains.GetGrain<IEmployeeGrain>(phone).GetGrainId(),
            new GrainState<EmployeeState>(new EmployeeState { EmployeeId = unkeyed, Name = Branding.GuestName, IsGuest = true }));

        var status = await Conversations.SayAsync(phone, "hours");

        Assert.Contains("Apollo 8h. Total: 8h.", status, StringComparison.Ordinal);
        Assert.Equal(unkeyed, (await fixture.Grains.GetGrain<IEmployeeGrain>(phone).Get())!.EmployeeId);
    }

    [Fact]
    public async Task A_registration_that_stopped_after_the_hours_were_copied_does_not_double_them_when_done_again()
    {
        var phone = TestSms.NewPhone();
        var employeeId = $"E203-{phone}";
        await Conversations.SayAsync(phone, "log 8h on Apollo today");
        await Conversations.SayAsync(phone, "log 2h on Zeus today");
        // What a registration that crashed right after the employee's timesheet took the guest's over has written.
        var guestSheet = fixture.Grains.GetGrain<ITimesheetGrain>(EmployeeGrain.GuestId(phone, PrivacyOptions.DevelopmentHashKey));
        await fixture.Grains.GetGrain<ITimesheetGrain>(employeeId).TakeOver(await guestSheet.HandOver());
        var stillGuest = await Conversations.SayAsync(phone, "hours");

        await RegisterAsync(phone, employeeId);
        var registered = await Conversations.SayAsync(phone, "hours");

        Assert.Contains("Apollo 8h, Zeus 2h. Total: 10h.", stillGuest, StringComparison.Ordinal);
        Assert.Contains("Apollo 8h, Zeus 2h. Total: 10h.", registered, StringComparison.Ordinal);
    }
}
