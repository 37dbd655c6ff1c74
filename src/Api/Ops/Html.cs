using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Switchboard.Api.Ops;

/// <summary>
/// A piece of HTML. Built only from interpolated strings whose every hole is HTML-encoded unless it is itself
/// <see cref="Html"/>: a value shown on a page (a message, an error text, a name) cannot be forgotten unencoded.
/// </summary>
internal readonly struct Html
{
    public static readonly Html Empty = new("");

    private readonly string? _value;

    private Html(string value) => _value = value;

    /// <summary>The markup; empty for a default instance.</summary>
    public string Value => _value ?? "";

    public static Html Of([InterpolatedStringHandlerArgument] ref HtmlBuilder builder) => new(builder.ToString());

    /// <summary>Pieces one after the other (rows of a table).</summary>
    public static Html Join(IEnumerable<Html> pieces) => new(string.Concat(pieces.Select(p => p.Value)));

    /// <summary>The text of <paramref name="value"/>, encoded (for an attribute or an element alike).</summary>
    public static Html Text(string? value) => new(HtmlEncoder.Default.Encode(value ?? ""));

    public override string ToString() => Value;

    /// <summary>Literal parts are markup; holes are encoded text, except <see cref="Html"/> holes.</summary>
    [InterpolatedStringHandler]
    public ref struct HtmlBuilder
    {
        private readonly StringBuilder _builder;

        public HtmlBuilder(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + formattedCount * 16);

        public readonly void AppendLiteral(string markup) => _builder.Append(markup);

        public readonly void AppendFormatted(Html html) => _builder.Append(html.Value);

        public readonly void AppendFormatted(IEnumerable<Html> pieces)
        {
            foreach (var piece in pieces)
            {
                _builder.Append(piece.Value);
            }
        }

        public readonly void AppendFormatted<T>(T value, string? format = null) =>
            _builder.Append(HtmlEncoder.Default.Encode(value switch
            {
                null => "",
                IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            }));

        public override readonly string ToString() => _builder.ToString();
    }
}
