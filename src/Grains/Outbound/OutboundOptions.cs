using System.ComponentModel.DataAnnotations;

namespace Switchboard.Grains.Outbound;

/// <summary>Configuration section "Outbound": the retry policy of replies.</summary>
public sealed class OutboundOptions
{
    public const string Section = "Outbound";

    /// <summary>Attempts (first try included) before a reply is given up.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait before the second attempt; doubles each time (with ±20 % jitter) up to <see cref="MaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Period of the reminder that resumes retries after a restart (1 minute minimum in production).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Timeout of one REST call (the Twilio HTTP client's timeout); a timed-out attempt is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
