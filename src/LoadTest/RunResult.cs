namespace Switchboard.LoadTest;

/// <summary>The figures of one run: printed as a table, written by <c>--json</c> and as report.json by <c>--report</c>.</summary>
public sealed record RunResult
{
    public required RunConfiguration Configuration { get; init; }

    public required MachineInfo Machine { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>From the first send to the end of sending (warm-up included), not the wait for replies.</summary>
    public required double ElapsedSeconds { get; init; }

    /// <summary>Sending time after the warm-up: the denominator of acks/s.</summary>
    public required double MeasuredSeconds { get; init; }

    /// <summary>HTTP requests: first deliveries, retries and redeliveries.</summary>
    public required long Requests { get; init; }

    public required double AcksPerSecond { get; init; }

    public required Accounting Accounting { get; init; }

    public required LatencySummary AckLatencyMs { get; init; }

    public required LatencySummary RedeliveryAckLatencyMs { get; init; }

    /// <summary>Inbound first send to the reply at the fake Twilio; null without <c>--expect-replies</c>.</summary>
    public LatencySummary? ReplyLatencyMs { get; init; }

    public required IReadOnlyDictionary<int, long> StatusCodes { get; init; }

    public required long Errors { get; init; }

    public required long Timeouts { get; init; }

    public required IReadOnlyDictionary<string, long> ErrorKinds { get; init; }

    /// <summary>Share of requests that did not end in 200 (non-200 answers, errors, timeouts).</summary>
    public required double ErrorRate { get; init; }

    public required IReadOnlyList<SecondFigures> Series { get; init; }

    /// <summary>Every request not answered 200, in time order (at most <see cref="LoadStats.MaxRefusalsKept"/>).</summary>
    public IReadOnlyList<Refusal> Refusals { get; init; } = [];

    /// <summary>Up to 20 MessageSids of lost messages, to look up with GET /admin/conversations.</summary>
    public IReadOnlyList<string> LostSamples { get; init; } = [];

    public IReadOnlyList<Check> Checks { get; init; } = [];

    public int ExitCode { get; init; }
}

/// <summary>
/// Per MessageSid. <c>Sent</c>: distinct messages. <c>Acked</c>: got 200 on some delivery. <c>NotAcked</c>: never got
/// 200 (not lost: Twilio would have retried). <c>Lost</c>: acked, no reply by the end of <c>--reply-timeout</c>.
/// </summary>
public sealed record Accounting(
    long Sent,
    long Acked,
    long NotAcked,
    long Retries,
    long Redelivered,
    long RedeliveriesAcked,
    bool RepliesExpected,
    long Replies,
    long Lost,
    long Duplicates,
    long DuplicateReplies,
    long OutOfOrder,
    long Unmatched,
    long RepliesToUnacked,
    IReadOnlyDictionary<string, long> OtherMessages,
    long WarmupMessages);

public sealed record RunConfiguration(
    string Url,
    string Model,
    int Senders,
    int MessagesPerSender,
    int Concurrency,
    double? RatePerSecond,
    double? DurationSeconds,
    double WarmupSeconds,
    IReadOnlyList<string> Bodies,
    double Redeliver,
    int Retry5xx,
    bool ExpectReplies,
    double ReplyTimeoutSeconds,
    double TimeoutSeconds,
    int Seed,
    double? MaxAckP99Ms,
    double? MaxReplyP99Ms,
    double? MaxErrorRate);

public sealed record MachineInfo(int Cores, string Os, string Architecture, string Dotnet, string MachineName)
{
    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString(),
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        Environment.MachineName);
}

/// <summary>One pass/fail verdict item, with the exit code it maps to when it fails.</summary>
public sealed record Check(string Name, bool Passed, string Detail, int ExitCode);
