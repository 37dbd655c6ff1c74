using Switchboard.Contracts;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Inbound messages for tests: every test gets its own sender number, so tests sharing a cluster never meet.</summary>
public static class TestSms
{
    private static int _phones;
    private static int _sids;

    public static string NewPhone() => $"+1555{Interlocked.Increment(ref _phones) + 1_000_000:D7}";

    public static string NewSid() => $"SM{Interlocked.Increment(ref _sids):D32}";

    public static InboundSms From(string phone, string body, string? messageSid = null) =>
        new(messageSid ?? NewSid(), phone, "+15005550006", body, DateTimeOffset.UtcNow);
}
