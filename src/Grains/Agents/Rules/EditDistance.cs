namespace Switchboard.Grains.Agents.Rules;

/// <summary>Optimal string alignment distance: insertions, deletions, substitutions and swapped neighbours ("sumbit").</summary>
internal static class EditDistance
{
    public static int Between(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>How many typos a word of this length may carry and still be recognised: short words none.</summary>
    private static int Tolerance(string word) => word.Length switch
    {
        < 4 => 0,
        < 8 => 1,
        _ => 2,
    };

    /// <summary>The one candidate <paramref name="word"/> is a likely typo of, or null when none or several are.</summary>
    public static T? Nearest<T>(string word, IEnumerable<(string Word, T Value)> candidates)
        where T : struct
    {
        var tolerance = Tolerance(word);
        if (tolerance == 0)
        {
            return null;
        }

        var best = int.MaxValue;
        var values = new List<T>();
        foreach (var (candidate, value) in candidates)
        {
            if (Math.Abs(candidate.Length - word.Length) > tolerance)
            {
                continue;
            }

            var distance = Between(word, candidate);
            if (distance > Math.Min(tolerance, Tolerance(candidate)) || distance > best)
            {
                continue;
            }

            if (distance < best)
            {
                best = distance;
                values.Clear();
            }

            values.Add(value);
        }

        return values.Count > 0 && values.All(v => v.Equals(values[0])) ? values[0] : null;
    }
}
