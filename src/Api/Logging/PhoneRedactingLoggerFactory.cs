using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Api.Logging;

/// <summary>
/// The one place phone numbers are taken out of every log line, whoever writes it: Orleans (grain ids in timeouts and
/// storage errors), ASP.NET Core (unhandled exceptions, request paths), health checks and our own events. It masks
/// the formatted message, the exception (message, stack trace, ToString) and every value of the structured state and
/// of scopes, so console, JSON and OTLP output are all covered. The rule is <see cref="PhoneMask.MaskNumbersIn"/>.
/// </summary>
public static class PhoneRedaction
{
    /// <summary>Masks phone numbers in everything logged through this host's <see cref="ILoggerFactory"/>.</summary>
    public static ILoggingBuilder AddPhoneNumberRedaction(this ILoggingBuilder logging)
    {
        logging.Services.AddPhoneNumberRedaction();
        return logging;
    }

    /// <summary>
    /// Decorates the host's <see cref="ILoggerFactory"/> rather than each <see cref="ILoggerProvider"/>: every
    /// provider registered, in any order, by defaults (console, debug, event source), configuration or exporters
    /// (OpenTelemetry) is behind it, and provider-specific filters ("Logging:Console:LogLevel") still match the
    /// providers' own types. Calling it again does nothing, so nothing is masked twice.
    /// </summary>
    public static IServiceCollection AddPhoneNumberRedaction(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(PhoneRedactingLoggerFactory)))
        {
            return services;
        }

        services.AddLogging();
        services.AddSingleton(sp => new PhoneRedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>())));
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => sp.GetRequiredService<PhoneRedactingLoggerFactory>()));
        return services;
    }
}

/// <summary>The host's logger factory with every logger it hands out masking phone numbers.</summary>
public sealed class PhoneRedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (category, factory) => new PhoneRedactingLogger(factory.CreateLogger(category)), inner);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();
}

/// <summary>
/// Hands the inner logger (and through it every provider) a masked copy of what it is given: the formatted message,
/// the state's values, the exception. The original state and exception never reach a provider.
/// </summary>
internal sealed class PhoneRedactingLogger(ILogger inner) : ILogger
{
    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull =>
        inner.BeginScope(new RedactedLogState(state, PhoneMask.MaskNumbersIn(state.ToString())));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var message = PhoneMask.MaskNumbersIn(formatter(state, exception));
        inner.Log(logLevel, eventId, new RedactedLogState(state, message), RedactedException.Of(exception), RedactedLogState.Format);
    }
}

/// <summary>
/// A log state or scope with numbers masked: the structured values (strings masked; any other value whose text holds
/// a number replaced by its masked text; other values kept as they are, so numbers stay numbers) and its text.
/// </summary>
internal sealed class RedactedLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    public static readonly Func<RedactedLogState, Exception?, string> Format = static (state, _) => state._message;

    private readonly KeyValuePair<string, object?>[] _values;
    private readonly string _message;

    public RedactedLogState(object? original, string maskedMessage)
    {
        _message = maskedMessage;
        _values = original is IEnumerable<KeyValuePair<string, object?>> values
            ? [.. values.Select(v => new KeyValuePair<string, object?>(v.Key, Redact(v.Value)))]
            : [];
    }

    public int Count => _values.Length;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _message;

    // Exporters write arrays item by item (an array's own text is only its type name).
    private static object? Redact(object? value) => PhoneMask.MaskNumbersInValue(value);
}

/// <summary>
/// Stands in for a logged exception: its message, stack trace, inner exceptions and ToString with numbers masked.
/// Its ToString starts with the original type, as the original's does; exporters that record the exception's CLR
/// type see this one. The original's Data is dropped.
/// </summary>
internal sealed class RedactedException : Exception
{
    private readonly string _text;
    private readonly string? _stackTrace;

    private RedactedException(Exception original)
        : base(PhoneMask.MaskNumbersIn(original.Message), Of(original.InnerException))
    {
        OriginalType = original.GetType().FullName ?? original.GetType().Name;
        _text = PhoneMask.MaskNumbersIn(original.ToString());
        _stackTrace = original.StackTrace is { } stackTrace ? PhoneMask.MaskNumbersIn(stackTrace) : null;
        HResult = original.HResult;
        Source = original.Source;
    }

    public string OriginalType { get; }

    public override string? StackTrace => _stackTrace;

    public override string ToString() => _text;

    public static Exception? Of(Exception? exception) => exception is null or RedactedException ? exception : new RedactedException(exception);
}
