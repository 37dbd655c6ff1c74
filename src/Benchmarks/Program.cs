using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Switchboard.Benchmarks;

// "memory": heap per conversation in an in-process silo (ConversationMemory.cs); anything else goes to BenchmarkDotNet.
if (args is [ConversationMemory.Command, .. var memoryArgs])
{
    return await ConversationMemory.RunAsync(memoryArgs);
}

// In process: the project BenchmarkDotNet would generate and build would inherit this repository's build rules
// (central package management, warnings as errors) and fail to build.
var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(WebhookBenchmarks).Assembly).Run(args, config);
return 0;
