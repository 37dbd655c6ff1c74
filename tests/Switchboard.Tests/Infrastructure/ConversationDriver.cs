using Switchboard.Contracts;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Texts a test cluster the way an employee would and reads the replies, for whole-conversation tests.</summary>
public sealed class ConversationDriver(ClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A new number (a North American one unless given) registered as an employee in Sydney.</summary>
    public async Task<string> RegisterAsync(string name = "Alice Smith", string? phone = null)
    {
        phone ??= TestSms.NewPhone();
        await fixture.Grains.GetGrain<IEmployeeGrain>(phone).Register(new EmployeeProfile($"emp-{phone}", name, "Australia/Sydney"));
        return phone;
    }

    /// <summary>Sends one message and waits for its reply.</summary>
    public async Task<string> SayAsync(string phone, string text)
    {
        var before = fixture.Outbox.AcceptedFor(phone).Count;
        Assert.Equal(AcceptOutcome.Queued, await fixture.Grains.GetGrain<IConversationGrain>(phone).Accept(TestSms.From(phone, text)));
        var replies = await fixture.Outbox.WaitForAsync(phone, before + 1, Timeout);
        return replies[before].Body;
    }

    /// <summary>
    /// Sends the messages back to back and returns the reply to each, matched by outbound id; asserts the replies
    /// went out in the order of the messages.
    /// </summary>
    public async Task<IReadOnlyList<string>> BurstAsync(string phone, params string[] texts)
    {
        var conversation = fixture.Grains.GetGrain<IConversationGrain>(phone);
        var sms = texts.Select(t => TestSms.From(phone, t)).ToList();
        foreach (var message in sms)
        {
            await conversation.Accept(message);
        }

        var replies = await fixture.Outbox.WaitForAsync(phone, sms.Count, Timeout);
        Assert.Equal([.. sms.Select(m => OutboundId.ForReply(phone, m.MessageSid))], replies.Select(r => r.Purpose));
        return [.. replies.Select(r => r.Body)];
    }

    /// <summary>
    /// The week every provider must handle (the SMS grammar end to end): log, check, undo, log again, submit, try to
    /// log after submitting, and something not understood. Returns the seven replies in that order.
    /// </summary>
    public async Task<WeekReplies> LiveAWeekAsync()
    {
        var phone = await RegisterAsync();
        return new WeekReplies(
            await SayAsync(phone, "log 8h on Apollo today"),
            await SayAsync(phone, "check my timesheet"),
            await SayAsync(phone, "undo"),
            await SayAsync(phone, "log 7.5 hours Apollo today"),
            await SayAsync(phone, "submit"),
            await SayAsync(phone, "log 1h on Apollo today"),
            await SayAsync(phone, "what's the weather like"));
    }
}

public sealed record WeekReplies(string Logged, string Status, string Undone, string Relogged, string Submitted, string Locked, string Help);
