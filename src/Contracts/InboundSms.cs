namespace Switchboard.Contracts;

/// <summary>
/// One message (SMS or WhatsApp as Twilio delivered it, or an email) for a conversation; <see cref="From"/> is already
/// the person's E.164 number, whatever the channel (<see cref="Channel"/>: an email's sender is looked up in the
/// directory).
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.InboundSms")]
public sealed record InboundSms(string MessageSid, string From, string To, string Body, DateTimeOffset ReceivedAt)
{
    /// <summary>
    /// The longest body kept (WhatsApp's limit; an SMS has at most 1,600 characters). Twilio sends nothing longer;
    /// a longer body is cut here so that no request can outgrow a conversation's storage budget.
    /// </summary>
    public const int MaxBodyLength = 4096;

    /// <summary>Where Twilio should report the delivery of the reply: the public URL this message came in on.</summary>
    [Id(0)] public string? StatusCallbackUrl { get; init; }

    /// <summary>
    /// The W3C traceparent of the webhook request that took the message in, kept with the inbox: the turn that answers
    /// it (also one resumed after a restart) is traced under it.
    /// </summary>
    [Id(1)] public string? TraceParent { get; init; }

    /// <summary>The channel the message came in on: its reply goes back on the same one.</summary>
    [Id(2)] public MessageChannel Channel { get; init; }

    /// <summary>Twilio's NumMedia: photos and files attached (not read; a message with only those is told so).</summary>
    [Id(3)] public int MediaCount { get; init; }

    /// <summary>The email this message came as (<see cref="MessageChannel.Email"/>): whom to answer, and how to thread the answer.</summary>
    [Id(4)] public InboundEmail? Email { get; init; }

    /// <summary>Our number the person wrote to: the reply goes from it (null: Twilio:FromNumber, or WhatsApp's own sender).</summary>
    public string? ReplyFrom => TwilioAddress.OwnSender(To, Channel);
}
