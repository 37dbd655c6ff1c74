using Switchboard.Contracts;

namespace Switchboard.Grains.Outbound;

[GenerateSerializer, Alias("Switchboard.OutboundState")]
public sealed class OutboundState
{
    /// <summary>Null until <see cref="IOutboundSmsGrain.Send"/> is called: an empty grain.</summary>
    [Id(0)] public OutboundSms? Message { get; set; }

    [Id(1)] public DeliveryStatus Status { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    [Id(3)] public DateTimeOffset? NextAttemptAt { get; set; }

    [Id(4)] public List<OutboundAttempt> Attempts { get; set; } = [];

    [Id(5)] public string? TwilioSid { get; set; }

    [Id(6)] public string? TwilioStatus { get; set; }

    [Id(7)] public string? ErrorCode { get; set; }

    /// <summary>An attempt was started and its result never recorded (a crash during the REST call): it counts once found out.</summary>
    [Id(8)] public bool AttemptInFlight { get; set; }

    /// <summary>
    /// Records of earlier versions: an attempt followed one whose outcome was unknown, so Twilio may have accepted both.
    /// Now such an attempt first reads Twilio's message list (<see cref="UnknownSince"/>) and sends only without a match.
    /// </summary>
    [Id(9)] public bool PossibleDuplicate { get; set; }

    /// <summary>Why it was never attempted (<see cref="DeliveryStatus.NotSent"/>).</summary>
    [Id(10)] public string? NotSentReason { get; set; }

    /// <summary>The WhatsApp template Twilio accepted it as (outside the 24-hour window).</summary>
    [Id(11)] public string? ContentSid { get; set; }

    /// <summary>
    /// The last recorded attempt got no answer that settles it (a timeout, a broken connection, a proxy's answer, an
    /// unexpected failure): Twilio may have taken it, so the next attempt is a possible duplicate. Unlike
    /// <see cref="AttemptInFlight"/> its answer was recorded, so it is not counted again.
    /// </summary>
    [Id(12)] public bool LastOutcomeOpen { get; set; }

    /// <summary>The ids this message was sent again as: erasing its text erases theirs.</summary>
    [Id(13)] public List<string> ResentAs { get; set; } = [];

    /// <summary>
    /// Since when an attempt may have reached Twilio without our record of it (in flight at a crash, a timeout, a
    /// proxy's answer): the next attempt reads Twilio's messages sent since then and adopts a match instead of sending.
    /// </summary>
    [Id(14)] public DateTimeOffset? UnknownSince { get; set; }

    /// <summary>What operators see (GET /admin/outbound/{id}); null for an empty grain.</summary>
    public OutboundView? View(string id) => Message is not { } m ? null : new OutboundView(
        id, m.To, m.Body, m.Purpose, Status, TwilioSid, TwilioStatus, ErrorCode, CreatedAt, NextAttemptAt, PossibleDuplicate,
        [.. Attempts.Select(a => new AttemptView(a.At, a.Outcome, a.HttpStatus, a.ErrorCode, a.Error))])
    {
        ResendOf = m.ResendOf,
        Channel = m.Channel,
        NotSentReason = NotSentReason,
        ContentSid = ContentSid,
        ResentAs = [.. ResentAs],
    };
}

[GenerateSerializer, Immutable, Alias("Switchboard.OutboundAttempt")]
public sealed record OutboundAttempt(DateTimeOffset At, string Outcome, int? HttpStatus, string? ErrorCode, string? Error);
