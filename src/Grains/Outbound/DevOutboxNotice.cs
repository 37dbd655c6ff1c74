using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchboard.Grains.Outbound;

/// <summary>
/// A Development host given a real-looking Twilio account still keeps its replies in the dev outbox: said once at
/// start, so whoever pointed a dev build at live credentials learns why nothing arrives.
/// </summary>
public sealed partial class DevOutboxNotice(ILogger<DevOutboxNotice> logger) : IHostedService
{
    /// <summary>The account SID of src/Silo/appsettings.Development.json: a placeholder, not an account.</summary>
    public const string PlaceholderAccountSid = "AC00000000000000000000000000000000";

    /// <summary>"AC" and 32 more characters, other than the placeholder: what Twilio's account SIDs look like.</summary>
    public static bool LooksReal(string? accountSid) =>
        accountSid is { Length: 34 } && accountSid.StartsWith("AC", StringComparison.Ordinal) && accountSid != PlaceholderAccountSid;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogRealAccount(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Development with a real-looking Twilio:AccountSid and no Twilio:ApiBaseUrl: replies go to the dev outbox, not to Twilio; set ASPNETCORE_ENVIRONMENT=Production (or Twilio:Enabled=true) to send them for real")]
    private static partial void LogRealAccount(ILogger logger);
}
