using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Grains.Agents;

/// <summary>The quality rules a reply must pass before it is sent.</summary>
public sealed partial class ReplyCheck(IOptions<QualityOptions> options)
{
    /// <summary>Twilio's limit for one message body.</summary>
    public const int MaxReplyLength = 1600;

    public IReadOnlyList<ReplyProblem> Check(string? reply, TurnContext context)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            return [ReplyProblem.Empty];
        }

        var problems = new List<ReplyProblem>();
        if (reply.Length > MaxReplyLength)
        {
            problems.Add(ReplyProblem.TooLong);
        }

        // Segments are what an SMS costs; a WhatsApp message is one message up to its length limit.
        if (context.Channel == MessageChannel.Sms && Gsm7.Segments(reply) > options.Value.MaxSegments)
        {
            problems.Add(ReplyProblem.OverSegmentBudget);
        }

        if (!AnswersIntent(reply, context.Outcome))
        {
            problems.Add(ReplyProblem.MissesIntent);
        }

        if (ForeignNumbers(reply, context.Phone).Any())
        {
            problems.Add(ReplyProblem.ForeignPhoneNumber);
        }

        if (ExceptionMarker().IsMatch(reply))
        {
            problems.Add(ReplyProblem.ExceptionText);
        }

        return problems;
    }

    /// <summary>E.164-looking numbers ("+61 412 345 678") in the text that are not the sender's own.</summary>
    public static IEnumerable<Match> ForeignNumbers(string reply, string senderPhone)
    {
        var sender = Digits(senderPhone);
        return PhoneLike().Matches(reply).Where(m => Digits(m.Value) is { Length: >= 8 and <= 15 } digits && digits != sender);
    }

    public static bool HasExceptionText(string text) => ExceptionMarker().IsMatch(text);

    /// <summary>A confirmation must carry its number; help must explain "log". Questions and refusals only need words.</summary>
    private static bool AnswersIntent(string reply, TimesheetOutcome? outcome) => outcome switch
    {
        { Kind: OutcomeKind.Logged or OutcomeKind.Removed, Entry: { } e } => ContainsNumber(reply, e.Hours),
        { Kind: OutcomeKind.Status or OutcomeKind.Submitted, Week: { TotalHours: > 0 } w } => ContainsNumber(reply, w.TotalHours),
        { Kind: OutcomeKind.Submitted } => reply.Contains("submit", StringComparison.OrdinalIgnoreCase),
        { Kind: OutcomeKind.Help } or null => reply.Contains("log", StringComparison.OrdinalIgnoreCase),
        _ => true,
    };

    private static bool ContainsNumber(string reply, decimal value)
    {
        var number = value.ToString("0.##", CultureInfo.InvariantCulture);
        return Regex.IsMatch(reply, $@"(?<![\d.]){Regex.Escape(number)}(?![\d]|\.\d)");
    }

    private static string Digits(string text) => new([.. text.Where(char.IsAsciiDigit)]);

    [GeneratedRegex(@"\+\d[\d \-().]{6,20}\d")]
    private static partial Regex PhoneLike();

    [GeneratedRegex(@"exception|stack ?trace|traceback|^\s*at [\w.<>`]+\(|\b(System|Orleans|Microsoft|Switchboard)\.[A-Z]\w*\.", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex ExceptionMarker();
}
