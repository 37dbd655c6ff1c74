using System.ComponentModel.DataAnnotations;

namespace Switchboard.Api;

/// <summary>Configuration section "Webhook".</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhook";

    /// <summary>Largest request body a Twilio endpoint reads; larger requests get 413.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public AckMode AckMode { get; set; } = AckMode.OneWay;

    /// <summary>
    /// Deadline of the hand-off to the conversation (in Durable mode, the inbox write), and of recording a status
    /// callback, before the webhook answers 503, well inside Twilio's 15 s so that its retry (connection overrides) still fits.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:14")]
    public TimeSpan AcceptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often <see cref="StorageWatch"/> checks grain storage (the webhook answers 503 while it is down).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan StorageCheckPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Region used to read a sender number written without a country code (Twilio sends E.164, so rarely needed).</summary>
    [Required, RegularExpression("^[A-Z]{2}$")]
    public string DefaultRegion { get; set; } = "US";
}

/// <summary>How the webhook hands a message to its conversation before it answers Twilio.</summary>
public enum AckMode
{
    /// <summary>Fire-and-forget grain call: the fastest acknowledgement; a message in flight when a silo dies is lost.</summary>
    OneWay,

    /// <summary>Await the inbox write, then acknowledge; if it fails, answer 5xx so Twilio delivers again.</summary>
    Durable,
}
