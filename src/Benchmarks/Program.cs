using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In process: the project BenchmarkDotNet would generate and build would inherit this repository's build rules
// (central package management, warnings as errors) and fail to build.
var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(Switchboard.Benchmarks.WebhookBenchmarks).Assembly).Run(args, config);
