using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Timesheets;

namespace Switchboard.Grains.Employees;

/// <summary>
/// One number in the employee directory. While someone is enrolled it holds a reminder that wakes every
/// Timesheet:ReminderCheckPeriod and, once the local reminder time has passed, asks them to submit an unsubmitted week.
/// Ticks can be missed or doubled: the week reminded is recorded and the SMS id is deterministic, so it goes once.
/// </summary>
// Needed during a turn only: an idle sender keeps its conversation in memory, not its directory entry.
[CollectionAgeLimit(Minutes = 2)]
public sealed class EmployeeGrain(
    [PersistentState("employee", StorageNames.State)] IPersistentState<EmployeeState> state,
    IOptions<TimesheetOptions> timesheet,
    IOptions<PrivacyOptions> privacy,
    Branding branding,
    [FromKeyedServices(EmployeeGrain.ReminderClock)] TimeProvider time,
    ILogger<EmployeeGrain> logger)
    : Grain, IEmployeeGrain, IRemindable
{
    public const string ReminderName = "timesheet-reminder";

    public const string ReminderSubject = "Timesheet reminder";

    /// <summary>
    /// The clock deciding whether a reminder is due: the host's TimeProvider, under its own key so tests can move the
    /// employees' week forward without moving the clock of the Orleans runtime (timers, reminders, membership).
    /// </summary>
    public const string ReminderClock = "timesheet-reminders";

    private EmployeeState State => state.State;
    private string Phone => this.GetPrimaryKeyString();

    public async Task<EmployeeRegistration> Register(EmployeeProfile profile)
    {
        if (profile.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(profile));
        }

        var registration = State.IsRegistered ? EmployeeRegistration.Updated : EmployeeRegistration.Created;
        var (employeeId, name) = (profile.EmployeeId.Trim(), profile.Name.Trim());
        var email = EmailAddress.TryNormalize(profile.Email, out var normalised) ? normalised : null;

        // Claimed before the record names it: a crash in between leaves a claim the record does not back, which the
        // index treats as free. Claiming an address already ours writes nothing.
        if (email is not null && !await GrainFactory.GetGrain<IEmployeeEmailGrain>(email).Claim(Phone))
        {
            return EmployeeRegistration.EmailTaken;
        }

        var previousEmail = State.Email;

        // The start-up import registers everyone again at every start: nothing to write when nothing changed.
        if (!State.IsRegistered || State.IsGuest || State.EmployeeId != employeeId || State.Name != name || State.TimeZone != profile.TimeZone
            || State.Email != email)
        {
            // A guest keeps what they logged: their timesheet is taken over by the employee's before the number
            // changes hands, and released only after. A crash in between leaves the hours where the number still
            // points, and taking the same lines over again adds nothing.
            var guestSheet = State.IsGuest && State.EmployeeId != employeeId ? GrainFactory.GetGrain<ITimesheetGrain>(State.EmployeeId!) : null;
            var handOver = guestSheet is null ? null : await guestSheet.HandOver();
            if (handOver is { IsEmpty: false })
            {
                var added = await GrainFactory.GetGrain<ITimesheetGrain>(employeeId).TakeOver(handOver);
                EmployeeLog.GuestTimesheetTakenOver(logger, PhoneMask.Mask(Phone), State.EmployeeId!, employeeId, added);
            }

            State.EmployeeId = employeeId;
            State.Name = name;
            State.TimeZone = profile.TimeZone;
            State.IsGuest = false;
            State.Email = email;
            await state.WriteOrReloadAsync(this);
            if (handOver is { IsEmpty: false })
            {
                await guestSheet!.Release(handOver);
            }

            if (previousEmail is not null && previousEmail != email)
            {
                await GrainFactory.GetGrain<IEmployeeEmailGrain>(previousEmail).Release(Phone);
            }
        }

        await KeepReminderAsync();
        EmployeeLog.Registered(logger, PhoneMask.Mask(Phone), State.EmployeeId, registration.ToString());
        return registration;
    }

    public async Task<bool> Remove()
    {
        if (!State.IsRegistered)
        {
            return false;
        }

        var (employeeId, email) = (State.EmployeeId!, State.Email);
        await DropReminderAsync();
        await state.ClearStateAsync();
        if (email is not null)
        {
            await GrainFactory.GetGrain<IEmployeeEmailGrain>(email).Release(Phone); // a claim left behind is free anyway
        }

        EmployeeLog.Removed(logger, PhoneMask.Mask(Phone), employeeId);
        return true;
    }

    public Task<Employee?> Get() => Task.FromResult(State.IsRegistered ? View() : null);

    public Task<bool> EmailsFrom(string address) => Task.FromResult(State.IsRegistered && State.Email == address);

    public async Task<Employee> EnrollGuest()
    {
        // An enrolled guest keeps the id stored with it (also one derived before ids were keyed): its hours are filed under it.
        if (!State.IsRegistered)
        {
            State.EmployeeId = GuestId(Phone, privacy.Value.HashKey);
            State.Name = Branding.GuestName;
            State.IsGuest = true;
            await state.WriteOrReloadAsync(this);
            await KeepReminderAsync();
            EmployeeLog.GuestEnrolled(logger, PhoneMask.Mask(Phone), State.EmployeeId);
        }

        return View();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!State.IsRegistered || !timesheet.Value.RemindersEnabled)
        {
            await DropReminderAsync();
            return;
        }

        var zone = EffectiveTimeZone;
        var localNow = TimesheetCalendar.LocalTime(time.GetUtcNow(), zone);
        if (ReminderSchedule.DueWeek(localNow, timesheet.Value) is not { } weekStart || State.RemindedWeek == weekStart)
        {
            return;
        }

        var week = (await GrainFactory.GetGrain<ITimesheetGrain>(State.EmployeeId!).Status(DateOnly.FromDateTime(localNow))).Week;
        if (week?.Submitted == true)
        {
            await RecordRemindedAsync(weekStart, "already submitted");
            return;
        }

        var contact = await GrainFactory.GetGrain<IConversationGrain>(Phone).GetContact();
        if (contact.OptedOut)
        {
            // Not recorded: if they opt back in before the week ends, a later tick still reminds them.
            EmployeeLog.ReminderSkipped(logger, PhoneMask.Mask(Phone), weekStart, "opted out");
            return;
        }

        var logged = week is { TotalHours: > 0 } ? $"You have {SmsText.Hours(week.TotalHours)} logged" : "Nothing is logged yet";
        var body = branding.Apply(
            $"Reminder: please submit your timesheet for the week of {SmsText.Day(weekStart, DateOnly.FromDateTime(localNow))}. {logged}; text 'submit' when it's complete.",
            State.Name);

        // Sent before it is recorded: a crash in between sends again, which the outbound grain (same id) ignores.
        var id = OutboundId.For(Phone, $"reminder-{weekStart:yyyy-MM-dd}", "reminder");
        await GrainFactory.GetGrain<IOutboundSmsGrain>(id).Send(ReminderMessage(body, contact));
        State.RemindedWeek = weekStart;
        await state.WriteOrReloadAsync(this);
        EmployeeLog.ReminderSent(logger, PhoneMask.Mask(Phone), weekStart);
    }

    /// <summary>
    /// On the channel the person last wrote on, from the number they last texted (on WhatsApp the outbound grain applies
    /// the 24-hour window); by email to their address, by SMS once they have none.
    /// </summary>
    private OutboundSms ReminderMessage(string body, ChannelContact contact)
    {
        var reminder = new OutboundSms(Phone, body, "reminder") { Channel = contact.LastChannel, From = contact.TextedNumber };
        if (contact.LastChannel != MessageChannel.Email)
        {
            return reminder;
        }

        return State.Email is { } address
            ? reminder with { Email = new OutboundEmail(address, ReminderSubject) }
            : reminder with { Channel = MessageChannel.Sms };
    }

    private async Task RecordRemindedAsync(DateOnly weekStart, string reason)
    {
        State.RemindedWeek = weekStart;
        await state.WriteOrReloadAsync(this);
        EmployeeLog.ReminderSkipped(logger, PhoneMask.Mask(Phone), weekStart, reason);
    }

    private async Task KeepReminderAsync()
    {
        if (timesheet.Value.RemindersEnabled)
        {
            var period = timesheet.Value.ReminderCheckPeriod;
            await this.RegisterOrUpdateReminder(ReminderName, period, period);
        }
    }

    /// <summary>
    /// "guest-" and the first 16 hex digits of the HMAC-SHA256 of the number's digits keyed with Privacy:HashKey:
    /// derived from the number, so a guest enrolled again (after a removal) finds their hours again, but it does not
    /// carry the number into logs, timesheet keys and exports, and without the key it cannot be traced back to the
    /// number by hashing every possible one (a masked US number leaves a thousand).
    /// </summary>
    public static string GuestId(string phone, string hashKey)
    {
        var digits = new string([.. phone.Where(char.IsAsciiDigit)]);
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(hashKey), Encoding.UTF8.GetBytes(digits));
        return "guest-" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    private Task DropReminderAsync() => this.UnregisterIfPresentAsync(ReminderName);

    private string EffectiveTimeZone => State.TimeZone ?? timesheet.Value.TimeZone;

    private Employee View() => new(Phone, State.EmployeeId!, State.Name, EffectiveTimeZone) { IsGuest = State.IsGuest, Email = State.Email };
}
