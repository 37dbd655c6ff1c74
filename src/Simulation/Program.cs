using System.Diagnostics;
using System.Text.Json;
using CsCheck;
using Switchboard.Simulation;

// Deterministic simulation of the conversation and reply pipeline: scripts/simulate.sh [--seed N] [--schedules K] [--replay CODE]
var seed = (ulong)Random.Shared.NextInt64(1, 1_000_000_000);
var schedules = 2000;
string? replay = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seed":
            seed = ulong.Parse(args[++i]);
            break;
        case "--schedules":
            schedules = int.Parse(args[++i]);
            break;
        case "--replay":
            replay = args[++i];
            break;
        case "--trace":
            Run.TraceTo = Console.WriteLine;
            break;
        default:
            Console.Error.WriteLine($"simulate: unknown argument {args[i]} (--seed N, --schedules K, --replay CODE)");
            return 2;
    }
}

if (replay is not null)
{
    var schedule = Schedule.Decode(replay);
    var (found, _) = Run.Schedule(schedule);
    Console.WriteLine($"replay of {schedule}: {(found.Count == 0 ? "no violation" : string.Join(Environment.NewLine, found))}");
    return found.Count == 0 ? 0 : 1;
}

Console.WriteLine($"simulate: seed {seed}, {schedules} schedules");
var faults = new FaultCounts();
var violations = 0;
Schedule? firstFailing = null;
uint firstFailingStream = 0;
var clock = Stopwatch.StartNew();
var results = new (List<string> Violations, FaultCounts Faults, Schedule Schedule)[schedules];
Parallel.For(0, schedules, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
{
    var schedule = Schedule.Gen.Generate(new PCG((uint)i, seed), null, out _);
    var (found, injected) = Run.Schedule(schedule);
    results[i] = (found, injected, schedule);
});

for (var i = 0; i < schedules; i++)
{
    faults.AddAll(results[i].Faults);
    if (results[i].Violations.Count > 0)
    {
        violations++;
        if (firstFailing is null)
        {
            (firstFailing, firstFailingStream) = (results[i].Schedule, (uint)i);
            Console.WriteLine($"violation in schedule {i} ({firstFailing}):");
            results[i].Violations.ForEach(v => Console.WriteLine($"  {v}"));
        }
    }
}

Console.WriteLine($"simulate: {schedules} schedules in {clock.Elapsed.TotalSeconds:F1} s, {violations} with a violation");
if (firstFailing is not null)
{
    // CsCheck shrinks from the failing schedule's seed toward fewer and plainer choices that still fail.
    var smallest = firstFailing;
    try
    {
        Check.Sample(Schedule.Gen, s =>
        {
            if (Run.Schedule(s).Violations.Count > 0)
            {
                if (Size(s).CompareTo(Size(smallest)) < 0)
                {
                    smallest = s;
                }

                throw new InvalidOperationException("violation");
            }
        }, seed: new PCG(firstFailingStream, seed).ToString(), iter: 4_000, threads: 1, print: s => s.Encode());
    }
    catch (Exception)
    {
        // the shrunk schedule is kept above
    }

    Console.WriteLine($"shortest failing schedule found: {smallest}");
    Run.Schedule(smallest).Violations.ForEach(v => Console.WriteLine($"  {v}"));
    Console.WriteLine($"replay: scripts/simulate.sh --replay {smallest.Encode()}");
}

var counts = FaultCounts.Kinds.ToDictionary(k => k, k => faults[k]);
Console.WriteLine(JsonSerializer.Serialize(new { seed, schedules, violations, faults = counts }));
return violations == 0 ? 0 : 1;

static (int, int, int) Size(Schedule s) => (s.Choices.Count(c => c != 0), s.Senders * s.Messages, s.Choices.Length);
