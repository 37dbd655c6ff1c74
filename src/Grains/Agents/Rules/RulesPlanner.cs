namespace Switchboard.Grains.Agents.Rules;

/// <summary>
/// The deterministic planner (Agents:Provider=Rules). Reads the SMS grammar forgivingly: any case and punctuation,
/// amounts like "8h", "7.5 hours", "7h30", dates like "yesterday", "mon", "27 Nov", "27/11", "2026-11-27", multi-word project names,
/// keyword typos. When a log lacks something it plans a question instead of guessing.
/// </summary>
public sealed class RulesPlanner : IPlanner
{
    public const string LogExample = "log 8h on Apollo today";

    /// <summary>Words around a project name that are not part of it: "log 8h [on] Apollo [please]".</summary>
    private static readonly HashSet<string> Connectors = new(StringComparer.Ordinal)
    {
        "on", "for", "to", "in", "at", "of", "against", "with", "the", "into", "under", "and", "me", "my", "i", "ive", "have",
        "just", "please", "pls", "plz", "thanks", "thank", "you", "thx", "ty", "cheers", "hey", "hi", "hello", "ok", "okay",
        "can", "could", "would", "h", "hr", "hrs", "hour", "hours",
    };

    /// <summary>The question when hours came without a project (also asked when a model's plan has none).</summary>
    internal static string WhichProject(decimal hours) =>
        $"Which project is the {SmsText.Hours(hours)} for? For example 'log {SmsText.Hours(hours)} on Apollo today'.";

    /// <summary>A little word around a name or a date, not part of it.</summary>
    internal static bool IsConnector(string lower) => Connectors.Contains(lower);

    public Task<TurnPlan> PlanAsync(PlanningInput input, CancellationToken cancellationToken) =>
        Task.FromResult(Plan(input.Text, input.Today, input.DateOrder));

    public static TurnPlan Plan(string text, DateOnly today, DateOrder dateOrder = DateOrder.DayMonth)
    {
        var words = Word.Split(text);
        if (words.Count == 0)
        {
            return new TurnPlan(Intent.Help);
        }

        var hours = HoursReader.ReadWithUnits(words);
        var taken = new bool[words.Count];
        foreach (var h in hours)
        {
            Take(taken, h.Start, h.Count);
        }

        var keyword = FirstKeyword(words, taken, preferLog: hours.Count > 0);
        var hoursBefore = keyword is { } kw && hours.Any(h => h.Start < kw.Index);
        var logFrom = keyword is { } k && !hoursBefore ? k.Index + 1 : 0;
        var intent = keyword?.Command switch
        {
            null => hours.Count > 0 || (words.Count > 1 && HoursReader.ReadBare(words, 0) is not null) ? Intent.Log : Intent.Help,
            Command.Log => Intent.Log,
            Command.Submit or Command.Undo when hoursBefore => Intent.Log, // "8h on Remove Corp"
            Command.Submit => Intent.Submit,
            Command.Undo => Intent.Undo,
            _ when hours.Count > 0 => Intent.Log, // "8h on Status Page", "I worked 8h on Apollo"
            Command.Worked when HoursReader.ReadBare(words, logFrom) is not null => Intent.Log,
            Command.Worked or Command.Status => Intent.Status,
            _ => Intent.Help,
        };

        if (intent != Intent.Log)
        {
            return new TurnPlan(intent);
        }

        if (keyword is { } used)
        {
            taken[used.Index] = true;
        }

        return PlanLog(words, taken, hours, logFrom, today, dateOrder);
    }

    private static TurnPlan PlanLog(IReadOnlyList<Word> words, bool[] taken, List<HoursFound> hours, int from, DateOnly today, DateOrder dateOrder)
    {
        if (hours.Count > 1)
        {
            return Ask($"Please log one entry per message, for example '{LogExample}'.");
        }

        var dates = DateReader.Read(words, taken, today, dateOrder).Where(d => !Overlaps(taken, d)).ToList();
        foreach (var d in dates)
        {
            Take(taken, d.Start, d.Count);
        }

        if (dates.FirstOrDefault(d => d.Date is null) is { Count: > 0 } unreadable)
        {
            return Ask($"I couldn't read the date '{unreadable.Text}'. Use 'today', 'yesterday', a day like 'mon', or a date like '27 Nov'.");
        }

        if (dates.Select(d => d.Date).Distinct().Count() > 1)
        {
            return Ask($"Which day? Please give one day per entry, for example '{LogExample}'.");
        }

        if (hours.Count == 0 && FirstFree(taken, from) is { } first && HoursReader.ReadBare(words, first) is { } bare)
        {
            hours.Add(bare);
            Take(taken, bare.Start, bare.Count);
        }

        var project = ProjectName(words, taken, from);
        decimal? amount = hours.Count == 1 ? hours[0].Hours : null;
        var date = dates.Count > 0 ? dates[0].Date : today;
        var plan = new TurnPlan(Intent.Log) { Hours = amount, Project = project, Date = date };
        return (amount, project) switch
        {
            (null, null) => plan with { Clarification = $"What should I log? Text for example '{LogExample}'." },
            (null, _) => plan with { Clarification = $"How many hours on {project}? For example 'log 8h on {project} today'." },
            (_, null) => plan with { Clarification = WhichProject(amount.Value) },
            _ => plan,
        };
    }

    /// <summary>
    /// The keyword that decides: with an amount, the first "log" ("help me log 8h"); else the first keyword. Words of an
    /// amount are not keywords: "8 hours" is an amount, "hours" alone asks for the status.
    /// </summary>
    private static (int Index, Command Command)? FirstKeyword(IReadOnlyList<Word> words, bool[] taken, bool preferLog)
    {
        (int Index, Command Command)? first = null;
        for (var i = 0; i < words.Count; i++)
        {
            if (taken[i] || Keywords.Match(words[i].Lower) is not { } command)
            {
                continue;
            }

            if (command == Command.Log && preferLog)
            {
                return (i, command);
            }

            first ??= (i, command);
        }

        return first;
    }

    /// <summary>What is left after the keyword, amount and date, without the little words around it; as typed.</summary>
    private static string? ProjectName(IReadOnlyList<Word> words, bool[] taken, int from)
    {
        var rest = Enumerable.Range(from, Math.Max(0, words.Count - from)).Where(i => !taken[i]).Select(i => words[i]).ToList();
        while (rest.Count > 0 && Connectors.Contains(rest[0].Lower))
        {
            rest.RemoveAt(0);
        }

        while (rest.Count > 0 && Connectors.Contains(rest[^1].Lower))
        {
            rest.RemoveAt(rest.Count - 1);
        }

        return rest.Count == 0 ? null : string.Join(' ', rest.Select(w => w.Text));
    }

    private static int? FirstFree(bool[] taken, int from)
    {
        for (var i = from; i < taken.Length; i++)
        {
            if (!taken[i])
            {
                return i;
            }
        }

        return null;
    }

    private static bool Overlaps(bool[] taken, DateFound date) =>
        Enumerable.Range(date.Start, date.Count).Any(i => taken[i]);

    private static void Take(bool[] taken, int start, int count)
    {
        for (var i = start; i < start + count; i++)
        {
            taken[i] = true;
        }
    }

    private static TurnPlan Ask(string question) => new(Intent.Log) { Clarification = question };
}
