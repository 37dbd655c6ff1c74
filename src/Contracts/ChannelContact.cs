namespace Switchboard.Contracts;

/// <summary>
/// How a person can be reached, as their conversation knows it: whether at all (they texted STOP), the channel of
/// their last message (reminders go there), our number they last texted (reminders go from it) and when their last
/// WhatsApp message arrived (WhatsApp's 24-hour window starts there).
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ChannelContact")]
public sealed record ChannelContact(MessageChannel LastChannel, DateTimeOffset? LastWhatsAppAt)
{
    /// <summary>The person texted STOP (and not START since): nothing may be sent to them, reminders included.</summary>
    [Id(0)] public bool OptedOut { get; init; }

    /// <summary>Our number the person last texted: messages we start go from it, not from a number they never saw (null: Twilio:FromNumber).</summary>
    [Id(1)] public string? TextedNumber { get; init; }

    /// <summary>Meta's customer service window: free-form WhatsApp messages only this long after the person's last message.</summary>
    public static readonly TimeSpan WhatsAppWindow = TimeSpan.FromHours(24);

    /// <summary>Whether a free-form WhatsApp message may be sent now.</summary>
    public bool WhatsAppWindowOpen(DateTimeOffset now) => LastWhatsAppAt is { } last && now - last < WhatsAppWindow;
}
