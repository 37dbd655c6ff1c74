using System.Text;
using CsCheck;

namespace Switchboard.Simulation;

/// <summary>
/// One seeded run: the traffic's shape and a stream of choices the simulated world draws from at each decision point
/// (what storage, Twilio, the agents and the process do next). 0 is always the ordinary outcome and a drawn-out stream
/// reads as zeros, so CsCheck's shrinking toward shorter streams and smaller values finds the fewest, plainest faults
/// that still break a guarantee.
/// </summary>
internal sealed record Schedule(int Senders, int Messages, bool SlowSteps, int[] Choices)
{
    /// <summary>Choices run 0 to <see cref="MaxChoice"/>; one in ten is out of the ordinary.</summary>
    public const int MaxChoice = 35;

    private const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";

    public static readonly Gen<Schedule> Gen = CsCheck.Gen.Select(
        CsCheck.Gen.Int[1, 4],
        CsCheck.Gen.Int[1, 6],
        CsCheck.Gen.Bool,
        CsCheck.Gen.Frequency((9, CsCheck.Gen.Const(0)), (1, CsCheck.Gen.Int[1, MaxChoice])).Array[0, 1500],
        (senders, messages, slow, choices) => new Schedule(senders, messages, slow, choices));

    /// <summary>A compact text form, for the replay command: "2.3.1.0a00z…" (senders, messages, slow steps, choices in base 36).</summary>
    public string Encode()
    {
        var text = new StringBuilder($"{Senders}.{Messages}.{(SlowSteps ? 1 : 0)}.");
        foreach (var c in Choices)
        {
            text.Append(Digits[c]);
        }

        return text.ToString();
    }

    public static Schedule Decode(string text)
    {
        var parts = text.Split('.', 4);
        if (parts.Length != 4)
        {
            throw new FormatException($"not a schedule: {text}");
        }

        return new Schedule(int.Parse(parts[0]), int.Parse(parts[1]), parts[2] == "1", [.. parts[3].Select(c => Digits.IndexOf(c))]);
    }

    public override string ToString() =>
        $"{Senders} sender(s) × {Messages} message(s), {(SlowSteps ? "slow" : "fast")} steps, {Choices.Count(c => c != 0)} unusual choice(s) in {Choices.Length}";
}

/// <summary>Reads a schedule's choices in order; past the end every choice is the ordinary one.</summary>
internal sealed class ChoiceStream(int[] choices)
{
    private int _next;

    /// <summary>The next choice, 0 to <see cref="Schedule.MaxChoice"/>.</summary>
    public int Draw() => _next < choices.Length ? choices[_next++] : 0;
}
