using System.ComponentModel.DataAnnotations;

namespace Switchboard.Contracts;

/// <summary>Configuration section "Twilio": REST credentials, sender, and the public URLs Twilio calls.</summary>
public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    public string? AccountSid { get; set; }

    /// <summary>Signs REST calls and validates X-Twilio-Signature on every webhook. A secret: never logged.</summary>
    [Required(ErrorMessage = "Twilio:AuthToken is required: it validates every webhook (set Twilio__AuthToken).")]
    public string AuthToken { get; set; } = "";

    /// <summary>Sender of replies; or set <see cref="MessagingServiceSid"/>.</summary>
    public string? FromNumber { get; set; }

    public string? MessagingServiceSid { get; set; }

    /// <summary>
    /// Sender of WhatsApp replies ("whatsapp:+14155238886" in the sandbox); unset, WhatsApp replies go from
    /// <see cref="MessagingServiceSid"/> (a service with a WhatsApp sender), and without either they are not sent.
    /// </summary>
    [RegularExpression(@"^whatsapp:\+[1-9][0-9]{6,14}$", ErrorMessage = "Twilio:WhatsAppFrom must be a WhatsApp sender address such as whatsapp:+14155238886.")]
    public string? WhatsAppFrom { get; set; }

    /// <summary>
    /// ContentSid (HX…) of the approved WhatsApp template used outside the 24-hour window (reminders, late replies);
    /// its variable {{1}} is the message text. Unset: such messages are recorded as not sent.
    /// </summary>
    [RegularExpression("^HX[0-9a-fA-F]{32}$", ErrorMessage = "Twilio:WhatsAppReminderContentSid must be a Content API sid: HX and 32 hex digits.")]
    public string? WhatsAppReminderContentSid { get; set; }

    /// <summary>Base URL of the REST API (default: the SDK's https://api.twilio.com); a local Twilio-compatible server in tests and load tests.</summary>
    [Url]
    public string? ApiBaseUrl { get; set; }

    /// <summary>Public base URL Twilio calls, for signatures behind proxies; default: the request's own URL.</summary>
    [Url]
    public string? WebhookBaseUrl { get; set; }

    [Url]
    public string? StatusCallbackUrl { get; set; }

    /// <summary>false: replies go to the dev outbox instead of the REST API. Unset: on, except in Development without an ApiBaseUrl.</summary>
    public bool? Enabled { get; set; }

    public string? EffectiveStatusCallbackUrl =>
        StatusCallbackUrl ?? (WebhookBaseUrl is null ? null : $"{WebhookBaseUrl.TrimEnd('/')}/twilio/status");

    public bool IsEnabled(bool isDevelopment) => Enabled ?? (!isDevelopment || ApiBaseUrl is not null);
}
