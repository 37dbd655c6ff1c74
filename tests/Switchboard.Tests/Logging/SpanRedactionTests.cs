using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Switchboard.Hosting;

namespace Switchboard.Tests.Logging;

/// <summary>The tracing pipeline: what reaches the exporter has every phone number masked, in every part of a span.</summary>
public sealed class SpanRedactionTests
{
    private const string Phone = "+61412345678";
    private const string Digits = "61412345678";
    private const string Masked = "+6141***5678";

    [Fact]
    public void Name_attributes_status_and_exception_events_reach_the_exporter_masked()
    {
        var exported = Export(source =>
        {
            using var span = source.StartActivity($"send {Phone}")!;
            span.TraceStateString = $"vendor=to-{Digits}";
            span.SetTag("url.path", $"/admin/conversations/%2B{Digits}");
            span.SetTag("recipients", new[] { Phone, "nobody" });
            span.SetTag("switchboard.attempt", 3);
            span.AddException(Thrown(new InvalidOperationException($"The 'To' number {Phone} is not a valid phone number.")));
            span.AddException(Thrown(new TimeoutException("timed out")), new TagList { { "exception.message", $"conversation/{Phone} did not answer" } });
            span.SetStatus(ActivityStatusCode.Error, $"The 'To' number {Phone} is not a valid phone number.");
        });

        var span = Assert.Single(exported);
        Assert.DoesNotContain(Texts(span), text => text.Contains(Digits, StringComparison.Ordinal));
        Assert.Equal($"send {Masked}", span.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal($"The 'To' number {Masked} is not a valid phone number.", span.StatusDescription);
        Assert.Equal(new[] { Masked, "nobody" }, span.GetTagItem("recipients"));
        Assert.Equal(3, span.GetTagItem("switchboard.attempt")); // numbers that are not phone numbers stay numbers
        var exceptions = span.Events.Where(e => e.Name == "exception").Select(e => e.Tags.ToDictionary(t => t.Key, t => t.Value)).ToList();
        Assert.Equal(2, exceptions.Count);
        Assert.Equal($"The 'To' number {Masked} is not a valid phone number.", exceptions[0]["exception.message"]);
        Assert.Equal($"conversation/{Masked} did not answer", exceptions[1]["exception.message"]);
        Assert.All(exceptions, e => Assert.Contains(nameof(Thrown), (string)e["exception.stacktrace"]!, StringComparison.Ordinal));
        Assert.All(exceptions, e => Assert.Single(e, t => t.Key == "exception.message")); // masked, not added beside the raw one
    }

    [Fact]
    public void A_span_with_an_event_or_link_that_carries_a_number_is_not_exported()
    {
        var linked = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        var exported = Export(source =>
        {
            // Neither can be changed once added: only exception events are masked as they are made.
            using (var span = source.StartActivity("retry")!)
            {
                span.AddEvent(new ActivityEvent("retrying", tags: new() { ["to"] = $"whatsapp:{Phone}" }));
            }

            using (source.StartActivity("linked", ActivityKind.Internal, parentContext: default, links: [new ActivityLink(linked, new() { ["peer"] = Phone })]))
            {
            }

            using (var span = source.StartActivity("fine")!)
            {
                span.AddEvent(new ActivityEvent("retrying", tags: new() { ["attempt"] = 2 }));
            }
        });

        Assert.Equal("fine", Assert.Single(exported).DisplayName);
    }

    /// <summary>What an exporter behind <see cref="PhoneMaskingProcessor"/> receives of the spans <paramref name="trace"/> makes.</summary>
    private static List<Activity> Export(Action<ActivitySource> trace)
    {
        using var source = new ActivitySource($"span-redaction-{Guid.NewGuid():N}");
        var exported = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddProcessor(new PhoneMaskingProcessor())
            .AddProcessor(new SimpleActivityExportProcessor(new Capture(exported)))
            .Build())
        {
            trace(source);
        }

        return exported;
    }

    /// <summary>Every text of a span an OTLP exporter writes.</summary>
    private static IEnumerable<string> Texts(Activity span) =>
        new[] { span.DisplayName, span.StatusDescription ?? "", span.TraceStateString ?? "" }
            .Concat(Values(span.TagObjects))
            .Concat(span.Events.SelectMany(e => Values(e.Tags).Prepend(e.Name)))
            .Concat(span.Links.SelectMany(l => Values(l.Tags ?? [])));

    private static IEnumerable<string> Values(IEnumerable<KeyValuePair<string, object?>> tags) =>
        tags.SelectMany(t => t.Value is string[] items ? items : [Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? ""]);

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    private sealed class Capture(List<Activity> exported) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch)
            {
                exported.Add(activity);
            }

            return ExportResult.Success;
        }
    }
}
