using Orleans.Concurrency;

namespace Switchboard.Contracts;

/// <summary>
/// One conversation per sender, keyed by the sender's E.164 number. Messages go into a durable inbox and are
/// answered one turn at a time, in arrival order, each <see cref="InboundSms.MessageSid"/> once.
/// </summary>
[Alias("Switchboard.IConversationGrain")]
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>Fire-and-forget hand-off (Webhook:AckMode=OneWay): the caller learns nothing about the outcome.</summary>
    [OneWay, Alias("Enqueue")]
    Task Enqueue(InboundSms sms);

    /// <summary>Returns once the message is persisted in the inbox (Webhook:AckMode=Durable).</summary>
    [Alias("Accept")]
    Task<AcceptOutcome> Accept(InboundSms sms);

    [Alias("GetView")]
    Task<ConversationView> GetView();

    /// <summary>
    /// Erasure on request: the number's stored messages (pending ones included), recent turns and the texts of its
    /// replies are deleted. Kept: the opt-out (so an erased number still receives nothing) and the MessageSid record
    /// (so a redelivery is not taken for a new message); timesheet entries are business records and stay.
    /// </summary>
    [Alias("Erase")]
    Task Erase();

    /// <summary>
    /// Retention: removes the stored conversation of a number no operator registered (unknown, or a guest), unless it
    /// has work pending or opted out (the opt-out must outlive it). Returns whether it was removed.
    /// </summary>
    [Alias("ForgetIfUnregistered")]
    Task<bool> ForgetIfUnregistered();

    /// <summary>
    /// Whether anything may be sent to the person (opt-out), on which channel they last wrote, and when their last
    /// WhatsApp message came (WhatsApp's 24-hour window): what an outbound message needs to know before each attempt.
    /// </summary>
    /// <remarks>Read-only and may interleave: an outbound grain asks while the conversation awaits that same grain.</remarks>
    [AlwaysInterleave, Alias("GetContact")]
    Task<ChannelContact> GetContact();
}

[GenerateSerializer, Alias("Switchboard.AcceptOutcome")]
public enum AcceptOutcome
{
    Queued = 0,
    Duplicate = 1,
    Dropped = 2,
    OptedOut = 3,
    OptedIn = 4,
    IgnoredWhileOptedOut = 5,
    /// <summary>From a country outside Guard:AllowedCountries: recorded, not answered.</summary>
    NotServed = 6,
}
