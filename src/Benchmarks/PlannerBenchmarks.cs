using BenchmarkDotNet.Attributes;
using Switchboard.Grains.Agents;
using Switchboard.Grains.Agents.Rules;

namespace Switchboard.Benchmarks;

/// <summary>The rules planner runs once per turn: its cost bounds how many turns a silo plans per second.</summary>
[MemoryDiagnoser]
public class PlannerBenchmarks
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    [Params("log 8h on Apollo today", "log 7h30 on Project Apollo Phase 2 yesterday", "log 2h on Zeus 25/11", "log 4h Zeus nov 25th", "chek my timesheet", "what's the weather like")]
    public string Text { get; set; } = "";

    [Benchmark]
    public TurnPlan Plan() => RulesPlanner.Plan(Text, Today);
}
