using System.Diagnostics;
using OpenTelemetry;
using Switchboard.Contracts;

namespace Switchboard.Hosting;

/// <summary>
/// Masks phone numbers in everything a finished span exports, as the logs do: its name, attributes (request URLs and
/// paths, storage URLs keyed by number, grain ids), status description (Twilio's "The 'To' number +61… is not a valid
/// phone number."), trace state and exception events (exception.message, exception.stacktrace). Runs before the
/// exporter, which sees the masked span.
/// </summary>
/// <remarks>
/// A span's events and links cannot be changed or removed once added (.NET keeps a private copy of their attributes),
/// so exception events are masked as they are made: every Activity.AddException (.NET's, OpenTelemetry's
/// instrumentation and RecordException) asks the listeners' ExceptionRecorder for attributes first and only adds the
/// message and stack trace the listeners left out. Any other event or link that carries a number (Switchboard adds
/// none) cannot be masked: its span is not exported at all. Baggage is not exported by OTLP.
/// </remarks>
internal sealed class PhoneMaskingProcessor : BaseProcessor<Activity>
{
    private const string ExceptionMessage = "exception.message";
    private const string ExceptionStackTrace = "exception.stacktrace";

    private readonly ActivityListener _exceptions = new()
    {
        ShouldListenTo = _ => true,
        Sample = (ref _) => ActivitySamplingResult.None, // leaves the choice to the tracer provider
        ExceptionRecorder = MaskException,
    };

    public PhoneMaskingProcessor() => ActivitySource.AddActivityListener(_exceptions);

    public override void OnEnd(Activity data)
    {
        if (PhoneMask.HasNumbersIn(data.DisplayName))
        {
            data.DisplayName = PhoneMask.MaskNumbersIn(data.DisplayName);
        }

        foreach (var (key, value) in data.TagObjects.Select(t => (t.Key, Masked(t.Value))).Where(t => t.Item2 is not null).ToList())
        {
            data.SetTag(key, value);
        }

        if (PhoneMask.HasNumbersIn(data.StatusDescription))
        {
            data.SetStatus(data.Status, PhoneMask.MaskNumbersIn(data.StatusDescription));
        }

        if (PhoneMask.HasNumbersIn(data.TraceStateString))
        {
            data.TraceStateString = PhoneMask.MaskNumbersIn(data.TraceStateString);
        }

        if (data.Events.Any(e => PhoneMask.HasNumbersIn(e.Name) || HasNumbers(e.Tags)) || data.Links.Any(l => HasNumbers(l.Tags)))
        {
            // The exporters skip a span that is not recorded.
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _exceptions.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Masks the attributes of an exception event before it is added, and adds the message and stack trace masked.</summary>
    private static void MaskException(Activity activity, Exception exception, ref TagList tags)
    {
        bool message = false, stackTrace = false;
        for (var i = 0; i < tags.Count; i++)
        {
            var (key, value) = tags[i];
            message |= key == ExceptionMessage;
            stackTrace |= key == ExceptionStackTrace;
            if (Masked(value) is { } masked)
            {
                tags[i] = new(key, masked);
            }
        }

        if (!message)
        {
            tags.Add(ExceptionMessage, PhoneMask.MaskNumbersIn(exception.Message));
        }

        if (!stackTrace)
        {
            tags.Add(ExceptionStackTrace, PhoneMask.MaskNumbersIn(exception.ToString()));
        }
    }

    private static bool HasNumbers(IEnumerable<KeyValuePair<string, object?>>? tags) => tags?.Any(t => Masked(t.Value) is not null) == true;

    /// <summary>
    /// The masked replacement of an attribute value, or null if it carries no number. OTLP writes strings and arrays
    /// item by item and any other non-primitive value as its text, so those are what is checked.
    /// </summary>
    private static object? Masked(object? value) => PhoneMask.MaskNumbersInValue(value) is var masked && ReferenceEquals(masked, value) ? null : masked;
}
