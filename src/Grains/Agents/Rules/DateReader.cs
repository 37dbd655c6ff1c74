using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchboard.Grains.Agents.Rules;

/// <summary>A date found in an SMS (null when the words looked like a date but were not one), and the words it took up.</summary>
internal readonly record struct DateFound(int Start, int Count, DateOnly? Date, string Text);

/// <summary>
/// Reads the day an entry is for: "today", "yesterday", "tomorrow" (refused later as the future), weekday names and
/// abbreviations ("mon", "Monday": the most recent such day, today included; "last mon": before today), ISO dates,
/// a day and a month name ("27 Nov", "nov 27th", "27th of November 2026") and numeric dates ("27/11", "27/11/2026")
/// in the sender's <see cref="DateOrder"/>, or the other order when only that one is a real date. Without a year, the
/// latest such day up to a week ahead. A leading "on"/"for" belongs to the date. Words already read as something
/// else (the keyword, the hours) are never part of a date, and a day with a month name inside other words is a name
/// ("Phase 2 May release"), not a date.
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

    /// <summary>Month names and their usual abbreviations; exact only, as "mar" or "may" typo'd could be anything.</summary>
    private static readonly Dictionary<string, int> Months = BuildMonths();

    private static readonly string[] IsoFormats = ["yyyy-MM-dd", "yyyy-M-d"];

    private static readonly (string Word, int Value)[] ForgivingRelative = [("today", 0), ("yesterday", -1), ("tomorrow", 1)];

    private static readonly (string Word, DayOfWeek Value)[] DayNames =
        [.. Enum.GetValues<DayOfWeek>().Select(d => (d.ToString().ToLowerInvariant(), d))];

    /// <summary>Words that name a day on their own ("today", "fri", "friday"): a boundary next to a day and month.</summary>
    private static readonly HashSet<string> DayWords = [.. Relative.Keys, .. Abbreviations.Keys, .. DayNames.Select(d => d.Word)];

    public static List<DateFound> Read(IReadOnlyList<Word> words, bool[] taken, DateOnly today, DateOrder order)
    {
        var found = new List<DateFound>();
        for (var i = 0; i < words.Count; i++)
        {
            if (taken[i] || ReadAt(words, taken, i, today, order) is not { } read)
            {
                continue;
            }

            var start = read.Start > 0 && words[read.Start - 1].Lower is "on" or "for" or "last" or "this" ? read.Start - 1 : read.Start;
            found.Add(read with { Start = start, Count = read.Count + read.Start - start });
            i = read.Start + read.Count - 1;
        }

        return found;
    }

    /// <summary>A date made of the word at <paramref name="i"/> and perhaps its neighbours, or null when there is none.</summary>
    private static DateFound? ReadAt(IReadOnlyList<Word> words, bool[] taken, int i, DateOnly today, DateOrder order)
    {
        var word = words[i].Lower;
        if (IsoLike().IsMatch(word))
        {
            return new(i, 1, DateOnly.TryParseExact(word, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var iso) ? iso : null, words[i].Text);
        }

        if (Numeric().Match(word) is { Success: true } numeric)
        {
            return new(i, 1, FromNumbers(numeric, today, order), words[i].Text);
        }

        bool Free(int k) => k < words.Count && !taken[k];
        bool IsMonth(int k) => Free(k) && Months.ContainsKey(words[k].Lower);
        bool IsDay(int k) => Free(k) && DayNumber(words[k].Lower) is not null;

        // "27 nov", "27th of November"; in "8 nov 27" the month takes the day after it.
        if (IsDay(i))
        {
            var monthAt = Free(i + 1) && words[i + 1].Lower == "of" ? i + 2 : i + 1;
            if (IsMonth(monthAt) && !IsDay(monthAt + 1))
            {
                return WithMonthName(words, taken, i, dayAt: i, monthAt, today);
            }
        }

        if (IsMonth(i) && IsDay(i + 1))
        {
            return WithMonthName(words, taken, i, dayAt: i + 1, monthAt: i, today);
        }

        var last = i > 0 && words[i - 1].Lower == "last";
        return ReadRelative(word, today, last) is { } relative ? new(i, 1, relative, words[i].Text) : null;
    }

    /// <summary>
    /// "27 nov", "nov 27th", "27th of nov", with an optional year after; null when the words sit inside a name, with
    /// neither a boundary (the start or end of the text, the keyword, the hours, a little word like "on", another date
    /// word) before nor after.
    /// </summary>
    private static DateFound? WithMonthName(IReadOnlyList<Word> words, bool[] taken, int start, int dayAt, int monthAt, DateOnly today)
    {
        var end = Math.Max(dayAt, monthAt);
        int? year = null;
        if (end + 1 < words.Count && !taken[end + 1] && FullYear().IsMatch(words[end + 1].Lower))
        {
            year = int.Parse(words[end + 1].Lower, CultureInfo.InvariantCulture);
            end++;
        }

        bool Boundary(int k) => k < 0 || k >= words.Count || taken[k] || RulesPlanner.IsConnector(words[k].Lower) || IsDateWord(words[k].Lower);
        if (!Boundary(start - 1) && !Boundary(end + 1))
        {
            return null;
        }

        var count = end - start + 1;
        var text = string.Join(' ', words.Skip(start).Take(count).Select(w => w.Text));
        return new(start, count, Make(year, Months[words[monthAt].Lower], DayNumber(words[dayAt].Lower)!.Value, today), text);
    }

    /// <summary>"27/11" or "27/11/2026" (day first), "11/27" (month first); the other order when only it is a date.</summary>
    private static DateOnly? FromNumbers(Match numeric, DateOnly today, DateOrder order)
    {
        var first = int.Parse(numeric.Groups["a"].Value, CultureInfo.InvariantCulture);
        var second = int.Parse(numeric.Groups["b"].Value, CultureInfo.InvariantCulture);
        int? year = numeric.Groups["year"].Success ? int.Parse(numeric.Groups["year"].Value, CultureInfo.InvariantCulture) : null;
        if (year is < 100)
        {
            year += 2000;
        }

        var (day, month) = order == DateOrder.MonthDay ? (second, first) : (first, second);
        return Make(year, month, day, today) ?? Make(year, day, month, today);
    }

    /// <summary>
    /// The date, or null when there is no such day. Without a year: the latest one up to a week ahead, as hours are
    /// logged for days gone by ("30 Dec" in January is last year's), while a day just ahead is more likely a slip
    /// the timesheet should refuse as the future than a date a year ago.
    /// </summary>
    private static DateOnly? Make(int? year, int month, int day, DateOnly today)
    {
        int[] years = year is { } y ? [y] : [today.Year + 1, today.Year, today.Year - 1];
        return years
            .Where(y => y is >= 1 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(y, month))
            .Select(y => new DateOnly(y, month, day))
            .Where(d => year is not null || d <= today.AddDays(7))
            .Select(d => (DateOnly?)d)
            .FirstOrDefault();
    }

    private static bool IsDateWord(string word) => DayWords.Contains(word) || IsoLike().IsMatch(word) || Numeric().IsMatch(word);

    private static int? DayNumber(string word) =>
        DayOfMonth().Match(word) is { Success: true } m && int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture) is var day and >= 1 and <= 31
            ? day
            : null;

    private static DateOnly? ReadRelative(string word, DateOnly today, bool last)
    {
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

    private static Dictionary<string, int> BuildMonths()
    {
        var months = new Dictionary<string, int>(StringComparer.Ordinal) { ["sept"] = 9 };
        for (var m = 1; m <= 12; m++)
        {
            var name = CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(m).ToLowerInvariant();
            months[name] = m;
            months[name[..3]] = m;
        }

        return months;
    }

    // ASCII digits only ([0-9], not \d): \d matches other scripts' digits too, which int.Parse refuses.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$")]
    private static partial Regex IsoLike();

    [GeneratedRegex(@"^(?<a>[0-9]{1,2})/(?<b>[0-9]{1,2})(/(?<year>[0-9]{2}|[0-9]{4}))?$")]
    private static partial Regex Numeric();

    [GeneratedRegex(@"^(?<day>[0-9]{1,2})(st|nd|rd|th)?$")]
    private static partial Regex DayOfMonth();

    [GeneratedRegex(@"^[0-9]{4}$")]
    private static partial Regex FullYear();
}
