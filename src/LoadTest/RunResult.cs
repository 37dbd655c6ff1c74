namespace Switchboard.LoadTest;

/// <summary>The figures of one run: printed as a table and written by <c>--json</c>.</summary>
public sealed record RunResult(
    string Url,
    string Model,
    int Senders,
    int MessagesPerSender,
    int Concurrency,
    double? RatePerSecond,
    double ElapsedSeconds,
    long Requests,
    long Acks,
    double AcksPerSecond,
    LatencySummary AckLatencyMs,
    IReadOnlyDictionary<int, long> StatusCodes,
    long Errors,
    long Timeouts,
    IReadOnlyDictionary<string, long> ErrorKinds,
    ReplyResult? Replies)
{
    public bool Failed => Errors > 0 || StatusCodes.Any(s => s.Key != 200 && s.Value > 0);
}

/// <summary>End-to-end figures: inbound send to reply captured by the embedded fake Twilio.</summary>
public sealed record ReplyResult(long Expected, long Received, long Unmatched, long Foreign, LatencySummary LatencyMs)
{
    public bool Missing => Received < Expected;
}
