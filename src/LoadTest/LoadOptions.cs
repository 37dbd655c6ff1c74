namespace Switchboard.LoadTest;

/// <summary>Everything one load run is configured with (parsed from the command line).</summary>
public sealed record LoadOptions
{
    public required Uri Url { get; init; }
    public required string AuthToken { get; init; }
    public Uri? SignatureUrl { get; init; }
    public int Senders { get; init; } = 1000;
    public int Messages { get; init; } = 5;
    public int Concurrency { get; init; } = 64;
    public TimeSpan? Duration { get; init; }
    public string Body { get; init; } = "check my timesheet";
    public double? Rate { get; init; }
    public FileInfo? Json { get; init; }
    public int Seed { get; init; } = 1;
    public string To { get; init; } = "+15005550006";
    public string AccountSid { get; init; } = "AC00000000000000000000000000000000";
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    public bool ExpectReplies { get; init; }
    public int TwilioFakePort { get; init; }
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The webhook the requests go to.</summary>
    public Uri WebhookUrl => new(Url.ToString().TrimEnd('/') + "/twilio/sms");

    /// <summary>The URL the signature is computed over: what the service believes Twilio called.</summary>
    public string SignedUrl => (SignatureUrl ?? Url).ToString().TrimEnd('/') + "/twilio/sms";

    public long TotalRequests => (long)Senders * Messages;
}
