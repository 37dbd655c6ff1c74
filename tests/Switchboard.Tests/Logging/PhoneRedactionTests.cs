using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Api.Logging;

namespace Switchboard.Tests.Logging;

/// <summary>The logging layer: what reaches a provider has every phone number masked, whoever logged it.</summary>
public sealed class PhoneRedactionTests
{
    private const string Phone = "+61412345678";
    private const string Digits = "61412345678";

    [Fact]
    public void Masks_the_message_the_structured_values_and_the_exception()
    {
        var (factory, provider) = Create();
        var logger = factory.CreateLogger("Orleans.Runtime.Messaging");
        var failure = new InvalidOperationException($"Error Writing: GrainId=conversation/{Phone}", new TimeoutException($"guest-{Digits} timed out"));
        try
        {
            throw failure;
        }
        catch (InvalidOperationException)
        {
        }

        logger.LogError(failure, "Response did not arrive on time for {Grain} ({Target}, {Count} tries)", $"conversation/{Phone}", new GrainLike(Phone), 3);

        var entry = Assert.Single(provider.Entries);
        Assert.Equal("Response did not arrive on time for conversation/+6141***5678 (grain +6141***5678, 3 tries)", entry.Message);
        Assert.Equal(entry.Message, entry.StateText);
        Assert.Equal("conversation/+6141***5678", entry.Values["Grain"]);
        Assert.Equal("grain +6141***5678", entry.Values["Target"]);
        Assert.Equal(3, entry.Values["Count"]); // numbers without a phone number in them stay numbers
        Assert.Equal("Response did not arrive on time for {Grain} ({Target}, {Count} tries)", entry.Values["{OriginalFormat}"]);
        Assert.NotNull(entry.Exception);
        Assert.Equal("Error Writing: GrainId=conversation/+6141***5678", entry.Exception.Message);
        Assert.Contains("System.InvalidOperationException: Error Writing: GrainId=conversation/+6141***5678", entry.Exception.ToString());
        Assert.Contains("guest-6141***5678 timed out", entry.Exception.ToString());
        Assert.Contains(nameof(Masks_the_message_the_structured_values_and_the_exception), entry.Exception.StackTrace);
        Assert.Equal("guest-6141***5678 timed out", entry.Exception.InnerException?.Message);
        AssertNoNumber(provider);
    }

    [Fact]
    public void Masks_scopes_and_arrays()
    {
        var (factory, provider) = Create();
        var logger = factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");

        using (logger.BeginScope(new Dictionary<string, object?> { ["RequestPath"] = "/admin/conversations/%2B61412345678" }))
        using (logger.BeginScope("conversation {0}", Phone))
        {
            logger.LogInformation("Recipients {Recipients}", (object)new[] { Phone, "+15550100001" });
        }

        var entry = Assert.Single(provider.Entries);
        Assert.Equal(["+6141***5678", "+1555***0001"], Assert.IsType<string[]>(entry.Values["Recipients"]));
        Assert.Contains("/admin/conversations/%2B6141***5678", entry.Scopes);
        Assert.Contains("conversation +6141***5678", entry.Scopes);
        AssertNoNumber(provider);
    }

    [Fact]
    public void Wraps_providers_registered_before_and_after_it_once_and_keeps_provider_filters()
    {
        var before = new CapturingProvider();
        var after = new CapturingProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(before).AddFilter<CapturingProvider>(null, LogLevel.Warning));
        services.AddPhoneNumberRedaction();
        services.AddLogging(logging => logging.AddPhoneNumberRedaction().AddProvider(after)); // a second call changes nothing
        using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<ILoggerFactory>();
        provider.GetRequiredService<ILogger<PhoneRedactionTests>>().LogWarning("Unknown sender {Phone}", Phone);
        provider.GetRequiredService<ILogger<PhoneRedactionTests>>().LogInformation("Below the provider's filter {Phone}", Phone);

        Assert.IsType<PhoneRedactingLoggerFactory>(factory);
        Assert.Single(services, d => d.ServiceType == typeof(ILoggerFactory));
        Assert.Equal("Unknown sender +6141***5678", Assert.Single(before.Entries).Message);
        Assert.Equal("Unknown sender +6141***5678", Assert.Single(after.Entries).Message);
    }

    private static (ILoggerFactory Factory, CapturingProvider Provider) Create()
    {
        var capturing = new CapturingProvider();
        var services = new ServiceCollection().AddPhoneNumberRedaction();
        services.AddLogging(logging => logging.AddProvider(capturing).SetMinimumLevel(LogLevel.Trace));
        return (services.BuildServiceProvider().GetRequiredService<ILoggerFactory>(), capturing);
    }

    private static void AssertNoNumber(CapturingProvider provider)
    {
        foreach (var entry in provider.Entries)
        {
            var everything = string.Join("\n", [
                entry.Message, entry.StateText, entry.Exception?.ToString(), entry.Exception?.Message, entry.Exception?.StackTrace,
                .. entry.Values.Values.Select(v => v is string[] items ? string.Join(",", items) : v?.ToString()), .. entry.Scopes]);
            Assert.DoesNotContain(Digits, everything, StringComparison.Ordinal);
            Assert.DoesNotContain("15550100001", everything, StringComparison.Ordinal);
        }
    }

    /// <summary>A value whose text names a number, as Orleans' GrainId does.</summary>
    private sealed record GrainLike(string Key)
    {
        public override string ToString() => $"grain {Key}";
    }

    private sealed record Entry(string Message, string? StateText, Exception? Exception, Dictionary<string, object?> Values, List<string> Scopes);

    /// <summary>Records what a provider is handed, the way console, JSON and OTLP exporters read it.</summary>
    private sealed class CapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;

        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
                var scopes = new List<string>();
                provider._scopes?.ForEachScope(
                    (scope, list) =>
                    {
                        list.Add(scope?.ToString() ?? "");
                        if (scope is IEnumerable<KeyValuePair<string, object?>> items)
                        {
                            list.AddRange(items.Select(i => $"{i.Value}"));
                        }
                    },
                    scopes);
                provider.Entries.Enqueue(new Entry(formatter(state, exception), state?.ToString(), exception, values, scopes));
            }
        }
    }
}
