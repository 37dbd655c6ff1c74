using System.ComponentModel.DataAnnotations;

namespace Switchboard.Api;

/// <summary>Configuration section "Webhook".</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhook";

    /// <summary>Largest request body a Twilio endpoint reads; larger requests get 413.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Longest SMS text Twilio delivers (a concatenated message); anything longer is not from Twilio.</summary>
    public const int MaxSmsLength = 1600;

    public AckMode AckMode { get; set; } = AckMode.OneWay;

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
