using Orleans.Concurrency;

namespace Switchboard.Contracts;

/// <summary>
/// One outbound SMS, keyed by a deterministic id (see <see cref="OutboundId"/>), so asking twice to send the same
/// reply lands on the same grain and sends once. Persists the intent before calling Twilio and retries with backoff.
/// </summary>
[Alias("Switchboard.IOutboundSmsGrain")]
public interface IOutboundSmsGrain : IGrainWithStringKey
{
    /// <summary>Persists the message and schedules the first attempt; returns before Twilio is called.</summary>
    [Alias("Send")]
    Task Send(OutboundSms message);

    /// <summary>Twilio's status callback (queued, sent, delivered, undelivered, failed).</summary>
    [Alias("RecordStatus")]
    Task RecordStatus(string twilioStatus, string? errorCode, string? twilioSid);

    /// <summary>
    /// Erasure: the text is dropped from the stored record (the delivery facts stay), and from every message it was
    /// sent again as (<see cref="Resend"/>). Idempotent: asking again erases what an interrupted call left.
    /// </summary>
    [Alias("EraseBody")]
    Task EraseBody();

    /// <summary>
    /// Sends this message again as a new outbound message (<see cref="OutboundId.ForResend"/>, linked by
    /// <see cref="OutboundSms.ResendOf"/>), recorded here first so that erasing this message's text erases the copy's
    /// too. Returns the new id, or null when there is no text to send (no message, or its text was erased).
    /// </summary>
    [Alias("Resend")]
    Task<string?> Resend();

    /// <summary>
    /// Whether this message has settled (reached Twilio, failed or was withheld). When it has not, it wakes
    /// <paramref name="successorId"/> (<see cref="Wake"/>) once it settles: the next reply to the same person waits
    /// for it without polling. Interleaves, so a reply may ask while this one is busy with an attempt.
    /// </summary>
    [AlwaysInterleave, Alias("SettledOrWake")]
    Task<bool> SettledOrWake(string successorId);

    /// <summary>The message this one waited for has settled: try now.</summary>
    [OneWay, Alias("Wake")]
    Task Wake();

    /// <summary>Read-only, so it may interleave: a reply waiting for its predecessor asks while that one is busy.</summary>
    [AlwaysInterleave, Alias("GetView")]
    Task<OutboundView?> GetView();
}

[GenerateSerializer, Immutable, Alias("Switchboard.OutboundSms")]
public sealed record OutboundSms(string To, string Body, string Purpose)
{
    /// <summary>
    /// The outbound message that must reach Twilio first (the sender's previous reply): this one waits while that
    /// one is still being retried, so replies arrive in the order of the messages they answer.
    /// </summary>
    [Id(0)] public string? After { get; init; }

    /// <summary>Status callback for this message when Twilio:StatusCallbackUrl/WebhookBaseUrl are not configured.</summary>
    [Id(1)] public string? StatusCallbackUrl { get; init; }

    /// <summary>
    /// The sender holds a durable wake-up of its own that looks at this message until it has reached Twilio (the
    /// conversation's reminder watches its last reply; an earlier one is woken by the reply waiting for it), so the
    /// message registers its own reminder only if it has to wait for a retry. Otherwise it registers one at once.
    /// </summary>
    [Id(2)] public bool WatchedBySender { get; init; }

    /// <summary>The failed message an operator sent again as this one (POST /admin/outbound/{id}/resend).</summary>
    [Id(3)] public string? ResendOf { get; init; }

    /// <summary>W3C traceparent of the turn that wrote the message: each attempt's "send" span is traced under it.</summary>
    [Id(4)] public string? TraceParent { get; init; }

    /// <summary>The channel to send on (the one the person wrote on); <see cref="To"/> stays the plain E.164 number.</summary>
    [Id(5)] public MessageChannel Channel { get; init; }

    /// <summary>
    /// Set only on the copy handed to the carrier for one attempt, never stored: this attempt goes as this approved
    /// WhatsApp template instead of <see cref="Body"/> (outside the 24-hour window).
    /// </summary>
    [Id(6)] public WhatsAppTemplate? Template { get; init; }

    /// <summary>
    /// Confirms an opt-out on WhatsApp (Twilio confirms only SMS ones): the one message sent although the person
    /// opted out, because it says they did.
    /// </summary>
    [Id(7)] public bool ConfirmsOptOut { get; init; }

    /// <summary>
    /// Our number an SMS goes from: the one the person texted, so they see the number they wrote to (and US carriers
    /// pass the traffic it is registered for). Null: Twilio:FromNumber. Twilio:MessagingServiceSid, when set, sends
    /// instead and keeps the number by its sticky sender; WhatsApp has its own sender.
    /// </summary>
    [Id(8)] public string? From { get; init; }

    /// <summary>
    /// The address, subject and threading headers of an email (<see cref="MessageChannel.Email"/>); <see cref="To"/>
    /// stays the person's number, which keys their conversation.
    /// </summary>
    [Id(9)] public OutboundEmail? Email { get; init; }
}

/// <summary>An approved WhatsApp template (Twilio Content API): its ContentSid and the JSON of its variables.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.WhatsAppTemplate")]
public sealed record WhatsAppTemplate(string ContentSid, string ContentVariables);

[GenerateSerializer, Alias("Switchboard.DeliveryStatus")]
public enum DeliveryStatus
{
    /// <summary>Persisted, not yet accepted by Twilio (first attempt due, or retrying).</summary>
    Pending = 0,
    /// <summary>Twilio accepted it (we hold its SID); later callbacks refine this.</summary>
    Accepted = 1,
    Sent = 2,
    Delivered = 3,
    /// <summary>Twilio reported undelivered/failed after accepting.</summary>
    Undelivered = 4,
    /// <summary>Twilio refused it with a permanent error (e.g. 21211, 21610): not retried.</summary>
    Rejected = 5,
    /// <summary>Retryable errors until the attempt limit: given up.</summary>
    GaveUp = 6,
    /// <summary>Not sent because the recipient opted out.</summary>
    Suppressed = 7,
    /// <summary>
    /// Never attempted at Twilio because it could not be sent as asked (a WhatsApp message outside the 24-hour window
    /// with no template configured, no WhatsApp sender): see <see cref="OutboundView.NotSentReason"/>.
    /// </summary>
    NotSent = 8,
}

/// <summary>What operators see of one outbound message (GET /admin/outbound/{id}).</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.OutboundView")]
public sealed record OutboundView(
    string Id,
    string To,
    string Body,
    string Purpose,
    DeliveryStatus Status,
    string? TwilioSid,
    string? TwilioStatus,
    string? ErrorCode,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    bool PossibleDuplicate,
    IReadOnlyList<AttemptView> Attempts)
{
    /// <summary>The failed message this one sends again, if an operator asked for it.</summary>
    [Id(0)] public string? ResendOf { get; init; }

    /// <summary>SMS, WhatsApp or email.</summary>
    [Id(1)] public MessageChannel Channel { get; init; }

    /// <summary>Why it was not sent (<see cref="DeliveryStatus.NotSent"/>).</summary>
    [Id(2)] public string? NotSentReason { get; init; }

    /// <summary>The WhatsApp template it went as (outside the 24-hour window); null when the text itself went.</summary>
    [Id(3)] public string? ContentSid { get; init; }

    /// <summary>The ids it was sent again as (POST /admin/outbound/{id}/resend), oldest first.</summary>
    [Id(4)] public IReadOnlyList<string> ResentAs { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("Switchboard.AttemptView")]
public sealed record AttemptView(DateTimeOffset At, string Outcome, int? HttpStatus, string? ErrorCode, string? Error);

/// <summary>Deterministic outbound ids ("+15550100001:SM...:reply"): the same reply always maps to the same grain. URL-safe as a path segment.</summary>
public static class OutboundId
{
    public static string ForReply(string phone, string inboundMessageSid) => For(phone, inboundMessageSid, "reply");

    public static string For(string phone, string inboundMessageSid, string purpose) => $"{phone}:{inboundMessageSid}:{purpose}";

    /// <summary>A new id for sending the message <paramref name="failedId"/> again ("…:reply:resend-1a2b3c4d").</summary>
    public static string ForResend(string failedId) => $"{failedId}:resend-{Guid.NewGuid().ToString("N")[..8]}";
}
