using System.ComponentModel.DataAnnotations;

namespace Switchboard.Api.Ops;

/// <summary>Configuration section "Ops": the operator console (/ops).</summary>
public sealed class OpsOptions : IValidatableObject
{
    public const string Section = "Ops";

    public const string TraceIdPlaceholder = "{traceId}";

    /// <summary>
    /// Link to a turn's trace in the tracing tool, <see cref="TraceIdPlaceholder"/> standing for the trace id
    /// ("https://jaeger.example/trace/{traceId}"); unset, the console shows the plain id.
    /// </summary>
    public string? TraceUrl { get; set; }

    /// <summary>The link to this trace, or null when no template is configured.</summary>
    public string? TraceLink(string traceId) =>
        string.IsNullOrEmpty(TraceUrl) ? null : TraceUrl.Replace(TraceIdPlaceholder, Uri.EscapeDataString(traceId), StringComparison.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(TraceUrl))
        {
            yield break;
        }

        if (!TraceUrl.Contains(TraceIdPlaceholder, StringComparison.Ordinal))
        {
            yield return new ValidationResult($"Ops:TraceUrl must contain {TraceIdPlaceholder}, where the trace id goes.", [nameof(TraceUrl)]);
        }

        // Only web links: the template ends up in an href, where "javascript:" would run in the operator's session.
        var sample = TraceUrl.Replace(TraceIdPlaceholder, "0", StringComparison.Ordinal);
        if (!Uri.TryCreate(sample, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("Ops:TraceUrl must be an absolute http or https URL.", [nameof(TraceUrl)]);
        }
    }
}
