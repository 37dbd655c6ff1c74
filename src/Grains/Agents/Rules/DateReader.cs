using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchboard.Grains.Agents.Rules;

/// <summary>A date found in an SMS (null when the words looked like a date but were not one), and the words it took up.</summary>
internal readonly record struct DateFound(int Start, int Count, DateOnly? Date, string Text);

/// <summary>
/// Reads the day an entry is for: "today", "yesterday", "tomorrow" (refused later as the future), weekday names and
/// abbreviations ("mon", "Monday": the most recent such day, today included; "last mon": before today), ISO dates.
/// A leading "on"/"for" belongs to the date.
/// </summary>
internal static partial class DateReader
{
    private static readonly Dictionary<string, int> Relative = new(StringComparer.Ordinal)
    {
        ["today"] = 0, ["tday"] = 0, ["tdy"] = 0, ["2day"] = 0, ["tonight"] = 0,
        ["yesterday"] = -1, ["yday"] = -1, ["yest"] = -1, ["ystd"] = -1,
        ["tomorrow"] = 1, ["tmrw"] = 1, ["tmr"] = 1, ["2moro"] = 1,
    };

    private static readonly Dictionary<string, DayOfWeek> Abbreviations = new(StringComparer.Ordinal)
    {
        ["mon"] = DayOfWeek.Monday, ["tue"] = DayOfWeek.Tuesday, ["tues"] = DayOfWeek.Tuesday, ["wed"] = DayOfWeek.Wednesday,
        ["weds"] = DayOfWeek.Wednesday, ["thu"] = DayOfWeek.Thursday, ["thur"] = DayOfWeek.Thursday, ["thurs"] = DayOfWeek.Thursday,
        ["fri"] = DayOfWeek.Friday, ["sat"] = DayOfWeek.Saturday, ["sun"] = DayOfWeek.Sunday,
    };

    private static readonly string[] IsoFormats = ["yyyy-MM-dd", "yyyy-M-d"];

    private static readonly (string Word, int Value)[] ForgivingRelative = [("today", 0), ("yesterday", -1), ("tomorrow", 1)];

    private static readonly (string Word, DayOfWeek Value)[] DayNames =
        [.. Enum.GetValues<DayOfWeek>().Select(d => (d.ToString().ToLowerInvariant(), d))];

    public static List<DateFound> Read(IReadOnlyList<Word> words, DateOnly today)
    {
        var found = new List<DateFound>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i].Lower;
            var last = i > 0 && words[i - 1].Lower == "last";
            var date = ReadWord(word, today, last);
            if (date is null && !IsoLike().IsMatch(word))
            {
                continue;
            }

            var start = i > 0 && words[i - 1].Lower is "on" or "for" or "last" or "this" ? i - 1 : i;
            found.Add(new DateFound(start, i - start + 1, date, words[i].Text));
        }

        return found;
    }

    private static DateOnly? ReadWord(string word, DateOnly today, bool last)
    {
        if (IsoLike().IsMatch(word))
        {
            return DateOnly.TryParseExact(word, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var iso) ? iso : null;
        }

        if (!word.All(char.IsLetterOrDigit))
        {
            return null;
        }

        int? offset = Relative.TryGetValue(word, out var exact) ? exact : EditDistance.Nearest(word, ForgivingRelative);
        if (offset is { } days)
        {
            return today.AddDays(days);
        }

        DayOfWeek? day = Abbreviations.TryGetValue(word, out var abbreviated) ? abbreviated : EditDistance.Nearest(word, DayNames);
        if (day is not { } weekday)
        {
            return null;
        }

        // The most recent such day: today counts, unless the sender said "last".
        var back = ((int)today.DayOfWeek - (int)weekday + 7) % 7;
        return today.AddDays(-(back == 0 && last ? 7 : back));
    }

    [GeneratedRegex(@"^\d{4}-\d{1,2}-\d{1,2}$")]
    private static partial Regex IsoLike();
}
