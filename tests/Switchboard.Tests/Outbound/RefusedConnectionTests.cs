using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts;
using Switchboard.Grains.Outbound;
using Switchboard.Tests.Infrastructure;
using Twilio.Exceptions;

namespace Switchboard.Tests.Outbound;

/// <summary>
/// The real Twilio SDK and <see cref="TwilioSmsSender"/> pointed at a port where nothing listens (127.0.0.1:9): every
/// attempt's connection is refused, so Twilio never saw any of them.
/// </summary>
public sealed class RefusedTwilioClusterFixture : ClusterFixture
{
    public const string RefusedBaseUrl = "http://127.0.0.1:9/";

    public const int MaxAttempts = 3;

    public OutboundLogCapture Logs { get; } = new();

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Twilio:Enabled"] = "true";
        settings["Twilio:ApiBaseUrl"] = RefusedBaseUrl;
        settings["Outbound:MaxAttempts"] = $"{MaxAttempts}";
        return settings;
    }

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<ISmsSender, TwilioSmsSender>();
        services.AddSingleton<ILoggerProvider>(Logs);
    }
}

[CollectionDefinition(Name)]
public sealed class RefusedTwilioClusterCollection : ICollectionFixture<RefusedTwilioClusterFixture>
{
    public const string Name = "refused-twilio-cluster";
}

[Collection(RefusedTwilioClusterCollection.Name)]
public sealed class RefusedConnectionTests(RefusedTwilioClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_refused_connection_is_retried_but_never_flagged_as_a_possible_duplicate_and_the_URL_called_is_logged()
    {
        var phone = TestSms.NewPhone();
        var id = OutboundId.For(phone, TestSms.NewSid(), "test");
        var outbound = fixture.Grains.GetGrain<IOutboundSmsGrain>(id);

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        await Eventually.HoldsAsync(async () => (await outbound.GetView()) is { Status: not DeliveryStatus.Pending }, Timeout, "the reply to finish");
        var view = (await outbound.GetView())!;

        Assert.Equal(DeliveryStatus.GaveUp, view.Status);
        Assert.Equal(Enumerable.Repeat("Retryable", RefusedTwilioClusterFixture.MaxAttempts), view.Attempts.Select(a => a.Outcome));
        Assert.All(view.Attempts, a => Assert.Null(a.HttpStatus));
        Assert.False(view.PossibleDuplicate); // no connection, no request: Twilio never saw an attempt

        var masked = PhoneMask.MaskNumbersIn(id);
        var logs = fixture.Logs.Entries.Where(e => e.Message.Contains(masked, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(logs, e => e.EventId == 3004);
        var retrying = logs.Where(e => e.EventId == 3002).Select(e => e.Message).ToList();
        Assert.Equal(RefusedTwilioClusterFixture.MaxAttempts - 1, retrying.Count);
        Assert.All(retrying, m => Assert.Contains("POST http://127.0.0.1:9/2010-04-01/Accounts/", m));
        Assert.All(retrying, m => Assert.DoesNotContain("api.twilio.com", m));
        Assert.All(view.Attempts, a => Assert.DoesNotContain("api.twilio.com", a.Error));
    }
}

/// <summary>Which connection failures <see cref="TwilioSmsSender"/> knows never reached Twilio.</summary>
public sealed class ConnectionFailureClassificationTests
{
    public static TheoryData<string, Exception, bool> Failures => new()
    {
        { "refused, as the SDK wraps it", new ApiConnectionException("Connection Error: POSThttps://api.twilio.com/x", new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:9)", new SocketException((int)SocketError.ConnectionRefused))), true },
        { "host name not resolved", new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (api.example.invalid:443)", new SocketException((int)SocketError.HostNotFound)), true },
        { "timed out", new ApiConnectionException("Connection Error: POSThttps://api.twilio.com/x", new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 10 seconds elapsing.")), false },
        { "reset while waiting for the answer", new HttpRequestException(HttpRequestError.Unknown, "An error occurred while sending the request.", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))), false },
        { "the answer ended early", new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Only_a_failure_before_any_connection_is_known_never_sent(string what, Exception failure, bool neverSent)
    {
        Assert.True(TwilioSmsSender.NeverSent(failure) == neverSent, what);
        var result = new SendResult(SendOutcome.Retryable, Error: what) { NeverSent = TwilioSmsSender.NeverSent(failure) };
        Assert.Equal(!neverSent, result.LeavesOutcomeOpen);
    }
}
