using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Switchboard.Grains.Agents.Rules;

namespace Switchboard.Grains.Agents;

/// <summary>
/// Rewrites a reply that failed the quality check, by rules: strips exception text and other people's numbers,
/// restores the facts when a reply lost them, and cuts an over-long reply at a sentence boundary. Null: cannot fix.
/// </summary>
public sealed partial class Refiner(Branding branding, IOptions<QualityOptions> options)
{
    public const string NumberWithheld = "(number withheld)";

    public string? Refine(string reply, IReadOnlyList<ReplyProblem> problems, TurnContext context)
    {
        if (problems.Contains(ReplyProblem.Empty))
        {
            return null;
        }

        var text = reply;
        if (problems.Contains(ReplyProblem.MissesIntent))
        {
            // The facts are known: say them the deterministic way rather than patch a reply that got them wrong.
            text = branding.Apply(RulesComposer.Compose(context), context.Outcome?.EmployeeName);
        }

        if (problems.Contains(ReplyProblem.ExceptionText))
        {
            text = string.Join(' ', Sentences(text).Where(s => !ReplyCheck.HasExceptionText(s)));
        }

        if (problems.Contains(ReplyProblem.ForeignPhoneNumber))
        {
            foreach (var number in ReplyCheck.ForeignNumbers(text, context.Phone).Reverse())
            {
                text = string.Concat(text.AsSpan(0, number.Index), NumberWithheld, text.AsSpan(number.Index + number.Length));
            }
        }

        if (problems.Contains(ReplyProblem.TooLong) || problems.Contains(ReplyProblem.OverSegmentBudget))
        {
            text = Shorten(text);
        }

        text = text.Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>Whole sentences while they fit the segment budget; a sentence too long on its own is cut at a word.</summary>
    private string Shorten(string text)
    {
        text = Whitespace().Replace(Gsm7.Normalize(text), " ").Trim();
        var budget = options.Value.MaxSegments;
        var kept = new List<string>();
        foreach (var sentence in Sentences(text))
        {
            var candidate = string.Join(' ', [.. kept, sentence]);
            if (!Fits(candidate, budget))
            {
                break;
            }

            kept.Add(sentence);
        }

        if (kept.Count > 0)
        {
            return string.Join(' ', kept);
        }

        const string ellipsis = "...";
        var words = text.Split(' ');
        var cut = "";
        foreach (var word in words)
        {
            var candidate = cut.Length == 0 ? word : $"{cut} {word}";
            if (!Fits(candidate + ellipsis, budget))
            {
                break;
            }

            cut = candidate;
        }

        return cut.Length > 0 ? cut + ellipsis : text[..Math.Min(text.Length, Gsm7.Capacity(budget, gsm7: false) - ellipsis.Length)] + ellipsis;
    }

    private static bool Fits(string text, int budget) => text.Length <= ReplyCheck.MaxReplyLength && Gsm7.Segments(text) <= budget;

    private static IEnumerable<string> Sentences(string text) =>
        SentenceEnd().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0);

    [GeneratedRegex(@"(?<=[.!?])\s+|\n+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
