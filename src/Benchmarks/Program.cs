using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Switchboard.Benchmarks.WebhookBenchmarks).Assembly).Run(args);
