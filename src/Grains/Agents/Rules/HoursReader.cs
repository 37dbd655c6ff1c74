using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchboard.Grains.Agents.Rules;

/// <summary>A number of hours found in an SMS, and the words it took up.</summary>
internal readonly record struct HoursFound(int Start, int Count, decimal Hours);

/// <summary>
/// Reads amounts of time: "8h", "8 hrs", "7.5 hours", "7h30", "7:30 hours", "1h 30m", "45 mins", "eight hours",
/// "half an hour", "7 and a half hours", "7 1/2 hours", "3/4 hr". A bare number counts only where <see cref="ReadBare"/> is asked for it, so
/// "Phase 2" stays part of a project name.
/// </summary>
internal static partial class HoursReader
{
    private static readonly Dictionary<string, decimal> NumberWords = new(StringComparer.Ordinal)
    {
        ["a"] = 1, ["an"] = 1, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6,
        ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["half"] = 0.5m,
    };

    private static readonly HashSet<string> HourUnits = new(StringComparer.Ordinal) { "h", "hr", "hrs", "hs", "hour", "hours", "hous", "hurs" };

    private static readonly HashSet<string> MinuteUnits = new(StringComparer.Ordinal) { "m", "min", "mins", "minute", "minutes" };

    public static bool IsHourUnit(string lower) =>
        HourUnits.Contains(lower) || (lower.Length >= 4 && lower.All(char.IsLetter) && EditDistance.Between(lower, "hours") <= 1);

    /// <summary>Every amount that carries a unit, in order.</summary>
    public static List<HoursFound> ReadWithUnits(IReadOnlyList<Word> words)
    {
        var found = new List<HoursFound>();
        for (var i = 0; i < words.Count;)
        {
            if (ReadAt(words, i) is { } hours)
            {
                found.Add(hours);
                i += hours.Count;
            }
            else
            {
                i++;
            }
        }

        return found;
    }

    /// <summary>A unit-less number ("log 8 Apollo", "log 7:30 Apollo") at one position.</summary>
    public static HoursFound? ReadBare(IReadOnlyList<Word> words, int index) =>
        index < words.Count && TryNumber(words[index].Lower, out var value) ? new HoursFound(index, 1, value)
        : index < words.Count && HoursAndMinutes().Match(words[index].Lower) is { Success: true } m ? new HoursFound(index, 1, Clock(m))
        : null;

    private static HoursFound? ReadAt(IReadOnlyList<Word> words, int i)
    {
        var word = words[i].Lower;
        string? Next(int offset) => i + offset < words.Count ? words[i + offset].Lower : null;

        // "7h30", "7h30m"
        if (HourMinuteToken().Match(word) is { Success: true } hm)
        {
            return new HoursFound(i, 1, Number(hm.Groups[1].Value) + (Number(hm.Groups[2].Value) / 60m));
        }

        if (NumberWithUnit().Match(word) is { Success: true } nu)
        {
            // "8h", "7.5hrs", "-3h" — then maybe "30m" / "30 mins"
            if (IsHourUnit(nu.Groups[2].Value))
            {
                return WithMinutes(words, i, 1, Number(nu.Groups[1].Value));
            }

            // "45m", "45mins" on their own
            if (MinuteUnits.Contains(nu.Groups[2].Value))
            {
                return new HoursFound(i, 1, Number(nu.Groups[1].Value) / 60m);
            }
        }

        // "7:30 hours"
        if (HoursAndMinutes().Match(word) is { Success: true } clock && Next(1) is { } unit0 && IsHourUnit(unit0))
        {
            return new HoursFound(i, 2, Clock(clock));
        }

        // "half an hour", "half hour"
        if (word == "half" && (Next(1) is { } h1 && IsHourUnit(h1) || (Next(1) is "an" or "a" && Next(2) is { } h2 && IsHourUnit(h2))))
        {
            return new HoursFound(i, Next(1) is "an" or "a" ? 3 : 2, 0.5m);
        }

        // "1/2 hour", "3/4 hrs"
        if (Fraction(word) is { } part && Next(1) is { } fractionUnit && IsHourUnit(fractionUnit))
        {
            return new HoursFound(i, 2, part);
        }

        if (!TryNumber(word, out var value) && !NumberWords.TryGetValue(word, out value))
        {
            return null;
        }

        // "7 1/2 hours"
        if (Next(1) is { } f && Fraction(f) is { } fraction && Next(2) is { } unitAfterFraction && IsHourUnit(unitAfterFraction))
        {
            return WithMinutes(words, i, 3, value + fraction);
        }

        // "7 and a half hours"
        if (Next(1) == "and" && Next(2) is "a" or "an" && Next(3) == "half" && Next(4) is { } h4 && IsHourUnit(h4))
        {
            return new HoursFound(i, 5, value + 0.5m);
        }

        // "8 hours", "eight hrs" — then maybe "30 minutes"
        if (Next(1) is { } unit && IsHourUnit(unit))
        {
            return WithMinutes(words, i, 2, value);
        }

        // "45 mins"
        if (Next(1) is { } minutes && MinuteUnits.Contains(minutes) && !NumberWords.ContainsKey(word))
        {
            return new HoursFound(i, 2, value / 60m);
        }

        return null;
    }

    private static HoursFound WithMinutes(IReadOnlyList<Word> words, int start, int count, decimal hours)
    {
        var i = start + count;
        if (i < words.Count && NumberWithUnit().Match(words[i].Lower) is { Success: true } m && MinuteUnits.Contains(m.Groups[2].Value))
        {
            return new HoursFound(start, count + 1, hours + (Number(m.Groups[1].Value) / 60m));
        }

        if (i + 1 < words.Count && TryNumber(words[i].Lower, out var minutes) && MinuteUnits.Contains(words[i + 1].Lower))
        {
            return new HoursFound(start, count + 2, hours + (minutes / 60m));
        }

        return new HoursFound(start, count, hours);
    }

    private static bool TryNumber(string text, out decimal value) =>
        PlainNumber().IsMatch(text) & decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);

    private static decimal Number(string text) => decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    /// <summary>"1/2", "1/4", "3/4": the fractions people write for parts of an hour.</summary>
    private static decimal? Fraction(string word) => word switch
    {
        "1/2" => 0.5m,
        "1/4" => 0.25m,
        "3/4" => 0.75m,
        _ => null,
    };

    private static decimal Clock(Match m) => Number(m.Groups[1].Value) + (Number(m.Groups[2].Value) / 60m);

    // ASCII digits only ([0-9], not \d): \d matches other scripts' digits too, which decimal.Parse refuses.
    [GeneratedRegex(@"^-?[0-9]{1,4}(\.[0-9]{1,4})?$")]
    private static partial Regex PlainNumber();

    [GeneratedRegex(@"^(-?[0-9]{1,4}(?:\.[0-9]{1,4})?)([a-z]+)$")]
    private static partial Regex NumberWithUnit();

    [GeneratedRegex(@"^([0-9]{1,2})h([0-9]{1,2})m?(?:in|ins)?$")]
    private static partial Regex HourMinuteToken();

    [GeneratedRegex(@"^([0-9]{1,2}):([0-9]{2})$")]
    private static partial Regex HoursAndMinutes();
}
