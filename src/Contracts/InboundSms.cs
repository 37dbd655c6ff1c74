namespace Switchboard.Contracts;

/// <summary>One SMS as Twilio delivered it to the webhook; <see cref="From"/> is already E.164.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.InboundSms")]
public sealed record InboundSms(string MessageSid, string From, string To, string Body, DateTimeOffset ReceivedAt);
