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
    /// <summary>Message texts, used in turn (sender i's message m gets text (i + m) mod count).</summary>
    public IReadOnlyList<string> Bodies { get; init; } = DefaultBodies;
    public double? Rate { get; init; }
    public FileInfo? Json { get; init; }
    public int Seed { get; init; } = 1;
    public string To { get; init; } = "+15005550006";
    public string AccountSid { get; init; } = "AC00000000000000000000000000000000";
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    public bool ExpectReplies { get; init; }
    public int TwilioFakePort { get; init; }
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Share of messages delivered a second time with the same MessageSid, form and signature (0 to 1).</summary>
    public double Redeliver { get; init; }

    /// <summary>A message answered with 5xx or timed out is sent again up to this many times (as Twilio would).</summary>
    public int Retry5xx { get; init; }

    /// <summary>Sending before this much time has passed is not in the latency and throughput figures.</summary>
    public TimeSpan Warmup { get; init; }

    /// <summary>Directory for report.json, report.md and report.html.</summary>
    public DirectoryInfo? ReportDirectory { get; init; }

    public double? MaxAckP99Ms { get; init; }

    public double? MaxReplyP99Ms { get; init; }

    /// <summary>Highest acceptable share of requests that did not end in 200 (0 to 1).</summary>
    public double? MaxErrorRate { get; init; }

    /// <summary>The default mix exercises the planner (no "submit": it would make later logs be refused).</summary>
    public static IReadOnlyList<string> DefaultBodies { get; } =
        ["log 1h on Apollo today", "check my timesheet", "log 30 mins on Zeus yesterday", "hours"];

    public string BodyFor(int senderIndex, int messageIndex) => Bodies[(senderIndex + messageIndex) % Bodies.Count];

    /// <summary>The webhook the requests go to.</summary>
    public Uri WebhookUrl => new(Url.ToString().TrimEnd('/') + "/twilio/sms");

    /// <summary>The URL the signature is computed over: what the service believes Twilio called.</summary>
    public string SignedUrl => (SignatureUrl ?? Url).ToString().TrimEnd('/') + "/twilio/sms";

    public long TotalRequests => (long)Senders * Messages;
}
