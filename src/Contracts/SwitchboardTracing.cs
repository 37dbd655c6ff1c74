using System.Diagnostics;

namespace Switchboard.Contracts;

/// <summary>
/// The one <see cref="ActivitySource"/> of Switchboard, shared by the Api and the grains, and the helpers that carry a
/// trace across one-way hand-offs: a W3C <c>traceparent</c> travels in the message (<see cref="InboundSms.TraceParent"/>,
/// <c>StepRequest.TraceParent</c>, <see cref="OutboundSms.TraceParent"/>) and the receiver starts its span under it.
/// Without a listener (tracing not configured) every Start returns null and costs next to nothing.
/// </summary>
public static class SwitchboardTracing
{
    public const string SourceName = "Switchboard";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// The activity source and meter of Microsoft.Extensions.AI's OpenTelemetry layer on the model's chat client: a
    /// gen_ai span per model call (GenAI semantic conventions) and the gen_ai.client.* metrics. Its default name,
    /// given explicitly so the tracer and meter providers listen to exactly what the chat client writes.
    /// </summary>
    public const string ModelSourceName = "Experimental.Microsoft.Extensions.AI";

    /// <summary>The ambient activity's W3C traceparent ("00-{trace}-{span}-{flags}"), or null.</summary>
    public static string? CurrentTraceParent() => TraceParentOf(Activity.Current);

    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    /// <summary>The 32 hex digits of a traceparent's trace id, or null if it is not a valid traceparent.</summary>
    public static string? TraceIdOf(string? traceParent) =>
        ActivityContext.TryParse(traceParent, null, out var context) ? context.TraceId.ToHexString() : null;

    /// <summary>
    /// Starts a span under <paramref name="traceParent"/> (under the ambient activity if it is null or unreadable)
    /// and makes it the ambient activity, so HTTP calls made inside it are its children. Dispose the result to end it
    /// (see <see cref="Scope"/>).
    /// </summary>
    public static Scope Start(string name, string? traceParent, ActivityKind kind = ActivityKind.Internal)
    {
        var previous = Activity.Current;
        var activity = ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind);
        return new Scope(activity, previous);
    }

    /// <summary>
    /// Starts a span that outlives the call that starts it (a turn spans many grain calls): the ambient activity is
    /// left as it was. The caller keeps it and stops it.
    /// </summary>
    public static Activity? StartDetached(string name, string? traceParent, ActivityKind kind = ActivityKind.Internal)
    {
        var previous = Activity.Current;
        try
        {
            return ActivityContext.TryParse(traceParent, null, out var parent)
                ? Source.StartActivity(name, kind, parent)
                : Source.StartActivity(name, kind, parentContext: default);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>Makes <paramref name="activity"/> ambient until disposed (if null, nothing changes).</summary>
    public static Ambience AmbientAs(Activity? activity)
    {
        var previous = Activity.Current;
        if (activity is not null)
        {
            Activity.Current = activity;
        }

        return new Ambience(previous, activity is not null);
    }

    /// <summary>A started span (or none); disposing it ends the span and restores the ambient activity.</summary>
    public readonly struct Scope(Activity? activity, Activity? previous) : IDisposable
    {
        public Activity? Activity { get; } = activity;

        public void Dispose()
        {
            if (Activity is not null)
            {
                Activity.Dispose();
                System.Diagnostics.Activity.Current = previous;
            }
        }
    }

    public readonly struct Ambience(Activity? previous, bool changed) : IDisposable
    {
        public void Dispose()
        {
            if (changed)
            {
                Activity.Current = previous;
            }
        }
    }
}
