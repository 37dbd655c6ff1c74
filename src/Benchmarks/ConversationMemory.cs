using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Switchboard.Contracts;
using Switchboard.Grains;
using Switchboard.Grains.Conversations;
using Switchboard.Grains.Outbound;

namespace Switchboard.Benchmarks;

/// <summary>
/// Managed heap per conversation (the lean-turns target: at most 4 KB per idle conversation): a one-silo in-process
/// cluster with the real grains and agent steps, N conversations that each had one turn, heap measured after full
/// compacting collections before and after.
/// Not a BenchmarkDotNet benchmark: one measurement of a large steady state, not a timing loop.
/// <code>dotnet run -c Release --project src/Benchmarks -- memory --conversations 100000</code>
/// </summary>
public static class ConversationMemory
{
    public const string Command = "memory";

    private const string ServiceNumber = "+15005550006";

    public static async Task<int> RunAsync(string[] args)
    {
        MemoryOptions options;
        try
        {
            options = MemoryOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            await Console.Error.WriteLineAsync(MemoryOptions.Usage);
            return 2;
        }

        var total = Stopwatch.StartNew();
        var sender = new CountingSmsSender();
        using var host = BuildSilo(options, sender);
        await host.StartAsync();
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        Console.WriteLine($"silo up in {total.Elapsed.TotalSeconds:F1} s; storage: {options.Storage}, GC: {(GCSettings.IsServerGC ? "server" : "workstation")}");

        // Warm-up: JIT, pools, the storage and reminder grains, the agent workers. These conversations stay active and
        // are part of the baseline.
        var warm = await RunTurnsAsync(grains, sender, WarmUpPhone, options.WarmUp, options, expectedReplies: options.WarmUp, "warm-up");
        var before = Measure();
        var statsBefore = await ActivationsAsync(grains);
        var remindersBefore = await RemindersAsync(host.Services);
        Console.WriteLine($"baseline: {Mb(before.TotalMemory)} after {options.WarmUp:N0} warm-up conversations");

        var run = await RunTurnsAsync(grains, sender, Phone, options.Conversations, options, expectedReplies: options.WarmUp + options.Conversations, "run");
        if (options.Settle > TimeSpan.Zero)
        {
            Console.WriteLine($"settling {options.Settle.TotalSeconds:N0} s (reminder ticks, timers)");
            await Task.Delay(options.Settle);
        }

        // Activation counts are read before the final collection, so what the management call allocates is garbage by then.
        var statsAfter = await ActivationsAsync(grains);
        var remindersAfter = await RemindersAsync(host.Services);
        var after = Measure();
        total.Stop();

        var report = new MemoryReport(
            DateTimeOffset.UtcNow,
            GitCommit(),
            $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC",
            options.Conversations,
            options.WarmUp,
            options.Concurrency,
            options.Body,
            options.Storage,
            options.Settle.TotalSeconds,
            before,
            after,
            after.TotalMemory - before.TotalMemory,
            (after.TotalMemory - before.TotalMemory) / (double)options.Conversations,
            Diff(statsBefore, statsAfter),
            Diff(remindersBefore, remindersAfter),
            sender.Accepted,
            warm,
            run,
            total.Elapsed.TotalSeconds);
        Print(report);
        var path = Write(report, options.Output);
        Console.WriteLine($"written to {path}");

        await host.StopAsync();
        return 0;
    }

    private static IHost BuildSilo(MemoryOptions options, CountingSmsSender sender)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            EnvironmentName = Environments.Development,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Twilio:AuthToken"] = "benchmark-auth-token",
            ["Twilio:AccountSid"] = "AC00000000000000000000000000000000",
            ["Twilio:FromNumber"] = ServiceNumber,
            ["Employees:AutoEnroll"] = "true",
            // As in Development's appsettings: the warm-up numbers are Australian, and every sender here is an
            // unregistered guest, whom the guards against SMS pumping would otherwise refuse or hold back.
            ["Guard:AllowedCountries"] = "*",
            ["Guard:UnregisteredReplies"] = "1000000",
        });
        builder.Configuration.AddInMemoryCollection(options.Settings);

        // 100,000 turns at Information would measure the console, not the grains.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        builder.UseOrleans(silo =>
        {
            // Free ports and an own cluster id: other engineers' silos on this machine use the defaults.
            silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "switchboard-memory", clusterId: $"memory-{Environment.ProcessId}");
            if (options.Storage == StorageKind.None)
            {
                silo.Services.AddGrainStorage(StorageNames.State, (_, _) => new DiscardingGrainStorage());
            }
            else
            {
                silo.AddMemoryGrainStorage(StorageNames.State);
            }

            silo.UseInMemoryReminderService();
            silo.Configure<GrainCollectionOptions>(o =>
            {
                // Nothing may be collected while we measure: not for idleness (default 15 minutes), not for memory pressure.
                o.CollectionAge = TimeSpan.FromHours(2);
                o.EnableActivationSheddingOnMemoryPressure = false;
            });
        });
        builder.Services.AddSwitchboardGrains(builder.Configuration, isDevelopment: true);
        builder.Services.AddSingleton<ISmsSender>(sender);
        builder.Services.AddSingleton<IConversationHistory, DiscardedConversationHistory>();
        return builder.Build();
    }

    /// <summary>
    /// Sends one message from each of <paramref name="count"/> new numbers, waits until the sender saw
    /// <paramref name="expectedReplies"/> replies in all and until every one of these conversations is idle.
    /// Nothing per conversation is kept here: numbers and messages are made in the loop, so the heap delta is the grains'.
    /// </summary>
    private static async Task<PhaseTiming> RunTurnsAsync(
        IGrainFactory grains, CountingSmsSender sender, Func<int, string> phone, int count, MemoryOptions options, long expectedReplies, string phase)
    {
        var clock = Stopwatch.StartNew();
        var notQueued = 0;
        var progress = new Progress(phase, count);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
            async (i, _) =>
            {
                var from = phone(i);
                var sms = new InboundSms(NewMessageSid(), from, ServiceNumber, options.Body, DateTimeOffset.UtcNow);
                if (await grains.GetGrain<IConversationGrain>(from).Accept(sms) != AcceptOutcome.Queued)
                {
                    Interlocked.Increment(ref notQueued);
                }

                progress.Step();
            });
        var accepted = clock.Elapsed;
        if (notQueued > 0)
        {
            throw new InvalidOperationException($"{phase}: {notQueued} message(s) were not queued");
        }

        var deadline = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        while (sender.Accepted < expectedReplies)
        {
            if (deadline.Elapsed > options.Timeout)
            {
                throw new TimeoutException($"{phase}: {sender.Accepted:N0} of {expectedReplies:N0} replies after {options.Timeout}");
            }

            if (deadline.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = deadline.Elapsed;
                Console.WriteLine($"  {phase}: {sender.Accepted:N0} of {expectedReplies:N0} replies sent");
            }

            await Task.Delay(200);
        }

        var replied = clock.Elapsed;

        // The reply is handed over before the finished turn is written: wait until no conversation has a turn or inbox.
        var pending = await NotIdleAsync(grains, Enumerable.Range(0, count).Select(phone), options.Concurrency);
        while (pending.Count > 0)
        {
            if (deadline.Elapsed > options.Timeout)
            {
                throw new TimeoutException($"{phase}: {pending.Count:N0} conversation(s) still busy after {options.Timeout}");
            }

            await Task.Delay(200);
            pending = await NotIdleAsync(grains, pending, options.Concurrency);
        }

        var timing = new PhaseTiming(count, accepted.TotalSeconds, replied.TotalSeconds, clock.Elapsed.TotalSeconds);
        Console.WriteLine($"{phase}: {count:N0} accepted in {timing.AcceptedSeconds:F1} s ({count / Math.Max(timing.AcceptedSeconds, 0.001):N0}/s), "
            + $"replies sent after {timing.RepliedSeconds:F1} s, all idle after {timing.IdleSeconds:F1} s");
        return timing;
    }

    private static async Task<List<string>> NotIdleAsync(IGrainFactory grains, IEnumerable<string> phones, int concurrency)
    {
        var busy = new List<string>();
        await Parallel.ForEachAsync(phones, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (from, _) =>
        {
            var view = await grains.GetGrain<IConversationGrain>(from).GetView();
            if (view.CurrentTurn is not null || view.Pending.Count > 0)
            {
                lock (busy)
                {
                    busy.Add(from);
                }
            }
        });
        return busy;
    }

    private static async Task<Dictionary<string, int>> ActivationsAsync(IGrainFactory grains)
    {
        var stats = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return stats.GroupBy(s => s.GrainType).ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount), StringComparer.Ordinal);
    }

    /// <summary>Reminders registered, per grain type: each is a row in the reminder table and a timer in the silo.</summary>
    private static async Task<Dictionary<string, int>> RemindersAsync(IServiceProvider services)
    {
        // begin == end: the whole ring.
        var table = await services.GetRequiredService<IReminderTable>().ReadRows(0u, 0u);
        return table.Reminders.GroupBy(r => r.GrainId.Type.ToString()!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    private static List<TypeCount> Diff(Dictionary<string, int> before, Dictionary<string, int> after) =>
        [.. after.Keys.Union(before.Keys)
            .Select(type => new TypeCount(ShortName(type), before.GetValueOrDefault(type), after.GetValueOrDefault(type)))
            .OrderByDescending(c => c.After)
            .ThenBy(c => c.GrainType, StringComparer.Ordinal)];

    private static string ShortName(string grainType)
    {
        // "Switchboard.Grains.Conversations.ConversationGrain,Switchboard.Grains" → "ConversationGrain"
        var name = grainType.Split(',')[0];
        return name[(name.LastIndexOf('.') + 1)..];
    }

    private static HeapSnapshot Measure()
    {
        // Twice: objects with finalizers survive the first collection and are freed by the second.
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        var total = GC.GetTotalMemory(forceFullCollection: true);
        var info = GC.GetGCMemoryInfo();
        using var process = Process.GetCurrentProcess();
        return new HeapSnapshot(total, info.HeapSizeBytes, info.FragmentedBytes, info.TotalCommittedBytes, process.WorkingSet64);
    }

    private static void Print(MemoryReport r)
    {
        Console.WriteLine();
        Console.WriteLine($"| {"memory",-38} | {"before",14} | {"after",14} | {"delta",14} |");
        Console.WriteLine($"| {new string('-', 38)} | {new string('-', 14)}:| {new string('-', 14)}:| {new string('-', 14)}:|");
        Row("GC.GetTotalMemory (live objects)", r.Before.TotalMemory, r.After.TotalMemory);
        Row("GC heap size (incl. fragmentation)", r.Before.GcHeapSize, r.After.GcHeapSize);
        Row("GC committed", r.Before.GcCommitted, r.After.GcCommitted);
        Row("process working set", r.Before.WorkingSet, r.After.WorkingSet);
        Console.WriteLine();
        Console.WriteLine($"**{r.BytesPerConversation:N0} bytes per conversation** (live-object delta / {r.Conversations:N0}; all grains a turn activates, "
            + $"storage '{r.Storage}' and reminders included)");
        Console.WriteLine();
        Console.WriteLine($"| {"grain type",-38} | {"before",10} | {"after",10} | {"per conversation",16} |");
        Console.WriteLine($"| {new string('-', 38)} | {new string('-', 10)}:| {new string('-', 10)}:| {new string('-', 16)}:|");
        foreach (var a in r.Activations)
        {
            Console.WriteLine($"| {a.GrainType,-38} | {a.Before,10:N0} | {a.After,10:N0} | {(a.After - a.Before) / (double)r.Conversations,16:F2} |");
        }

        Console.WriteLine();
        Console.WriteLine($"| {"reminders of grain type",-38} | {"before",10} | {"after",10} | {"per conversation",16} |");
        Console.WriteLine($"| {new string('-', 38)} | {new string('-', 10)}:| {new string('-', 10)}:| {new string('-', 16)}:|");
        foreach (var a in r.Reminders)
        {
            Console.WriteLine($"| {a.GrainType,-38} | {a.Before,10:N0} | {a.After,10:N0} | {(a.After - a.Before) / (double)r.Conversations,16:F2} |");
        }

        Console.WriteLine();
        Console.WriteLine($"{r.RepliesSent:N0} replies sent; total {r.TotalSeconds:F0} s");

        static void Row(string what, long before, long after) =>
            Console.WriteLine($"| {what,-38} | {Mb(before),14} | {Mb(after),14} | {Mb(after - before),14} |");
    }

    private static string Write(MemoryReport report, string? output)
    {
        var path = output ?? Path.Combine(RepositoryRoot(), ".data", "benchmarks", "memory.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(report, JsonOptions));
        return path;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        return Environment.CurrentDirectory;
    }

    private static string? GitCommit()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = RepositoryRoot(),
            });
            if (git is null)
            {
                return null;
            }

            var commit = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? commit : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }

    private static string Mb(long bytes) => $"{bytes / 1024.0 / 1024.0:N1} MB";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Distinct valid North American numbers, +1 555 000 0000 upward (libphonenumber: possible).</summary>
    private static string Phone(int i) => "+1555" + i.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>Distinct valid Australian mobile numbers for the warm-up, +61 40 000 0000 upward.</summary>
    private static string WarmUpPhone(int i) => "+6140" + i.ToString("D7", CultureInfo.InvariantCulture);

    private static string NewMessageSid() => "SM" + Guid.NewGuid().ToString("N");

    private sealed class Progress(string phase, int total)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _done;
        private long _lastReportTicks;

        public void Step()
        {
            var done = Interlocked.Increment(ref _done);
            var now = _clock.ElapsedTicks;
            var last = Interlocked.Read(ref _lastReportTicks);
            if (now - last > Stopwatch.Frequency * 10 && Interlocked.CompareExchange(ref _lastReportTicks, now, last) == last)
            {
                Console.WriteLine($"  {phase}: {done:N0} of {total:N0} accepted");
            }
        }
    }

    internal static class Validation
    {
        public static void Numbers(int count)
        {
            foreach (var i in new[] { 0, count - 1 })
            {
                foreach (var phone in new[] { Phone(i), WarmUpPhone(i) })
                {
                    if (!E164.TryNormalize(phone, "US", out var e164) || e164 != phone)
                    {
                        throw new InvalidOperationException($"{phone} is not a valid E.164 number");
                    }
                }
            }
        }
    }
}

/// <summary>Counts replies and accepts every one, as Twilio would: the outbound grains end Accepted and idle.</summary>
internal sealed class CountingSmsSender : ISmsSender
{
    private long _accepted;

    public long Accepted => Interlocked.Read(ref _accepted);

    public Task<SendResult> SendAsync(string outboundId, OutboundSms message)
    {
        var n = Interlocked.Increment(ref _accepted);
        return Task.FromResult(SendResult.Accepted("SM" + n.ToString("x32", CultureInfo.InvariantCulture)));
    }

    public Task<string?> FindSentAsync(string outboundId, OutboundSms message, DateTimeOffset since) => Task.FromResult<string?>(null);
}

/// <summary>
/// Storage that keeps nothing (--storage none): grain state lives only in the activations, as with Azure Table storage
/// in production, so the delta holds no copy of every state in a memory storage grain. Reads find nothing, which is
/// right for conversations that are new and stay active.
/// </summary>
internal sealed class DiscardingGrainStorage : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        grainState.ETag = "*";
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}

public enum StorageKind
{
    Memory,
    None,
}

internal sealed record MemoryOptions(
    int Conversations, int WarmUp, int Concurrency, string Body, StorageKind Storage, TimeSpan Settle, TimeSpan Timeout, string? Output)
{
    /// <summary>Configuration of the silo given with --set KEY=VALUE (e.g. Conversation:ReminderIdleRelease=00:01:00).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    public const string Usage =
        "usage: memory [--conversations 100000] [--warmup 1000] [--concurrency 256] [--body \"check my timesheet\"] "
        + "[--storage memory|none] [--settle SECONDS] [--timeout SECONDS] [--out PATH] [--set KEY=VALUE]...";

    public static MemoryOptions Parse(string[] args)
    {
        var o = new MemoryOptions(100_000, 1_000, 256, "check my timesheet", StorageKind.Memory, TimeSpan.Zero, TimeSpan.FromMinutes(15), null);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{name} needs a value");
            }

            var value = args[++i];
            o = name switch
            {
                "--conversations" => o with { Conversations = Positive(name, value, max: 9_999_999) },
                "--warmup" => o with { WarmUp = Positive(name, value, max: 9_999_999) },
                "--concurrency" => o with { Concurrency = Positive(name, value, max: 100_000) },
                "--body" when !string.IsNullOrWhiteSpace(value) && !OptOutWord(value) => o with { Body = value },
                "--body" => throw new ArgumentException("--body must be a message that gets a reply (not empty, not STOP/START)"),
                "--storage" when Enum.TryParse<StorageKind>(value, ignoreCase: true, out var storage) => o with { Storage = storage },
                "--storage" => throw new ArgumentException("--storage is memory or none"),
                "--settle" => o with { Settle = TimeSpan.FromSeconds(Positive(name, value, max: 3600, allowZero: true)) },
                "--timeout" => o with { Timeout = TimeSpan.FromSeconds(Positive(name, value, max: 86_400)) },
                "--out" => o with { Output = value },
                "--set" when value.Split('=', 2) is [{ Length: > 0 } key, var setting] =>
                    o with { Settings = new Dictionary<string, string?>(o.Settings) { [key] = setting } },
                "--set" => throw new ArgumentException("--set takes KEY=VALUE"),
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        ConversationMemory.Validation.Numbers(Math.Max(o.Conversations, o.WarmUp));
        return o;
    }

    private static bool OptOutWord(string body) =>
        body.Trim().ToUpperInvariant() is "STOP" or "STOPALL" or "UNSUBSCRIBE" or "CANCEL" or "END" or "QUIT" or "OPTOUT" or "REVOKE" or "START" or "UNSTOP" or "YES";

    private static int Positive(string name, string value, int max, bool allowZero = false) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max && (n > 0 || allowZero)
            ? n
            : throw new ArgumentException($"{name} must be a whole number from {(allowZero ? 0 : 1)} to {max:N0}");
}

public sealed record HeapSnapshot(long TotalMemory, long GcHeapSize, long GcFragmented, long GcCommitted, long WorkingSet);

public sealed record TypeCount(string GrainType, int Before, int After);

public sealed record PhaseTiming(int Conversations, double AcceptedSeconds, double RepliedSeconds, double IdleSeconds);

public sealed record MemoryReport(
    DateTimeOffset At,
    string? Commit,
    string Machine,
    int Conversations,
    int WarmUpConversations,
    int Concurrency,
    string Body,
    StorageKind Storage,
    double SettleSeconds,
    HeapSnapshot Before,
    HeapSnapshot After,
    long DeltaBytes,
    double BytesPerConversation,
    IReadOnlyList<TypeCount> Activations,
    IReadOnlyList<TypeCount> Reminders,
    long RepliesSent,
    PhaseTiming WarmUp,
    PhaseTiming Run,
    double TotalSeconds);

/// <summary>
/// History kept out of the silo, as in production (an Azure Table): what a conversation costs in memory does not
/// include its recorded turns.
/// </summary>
internal sealed class DiscardedConversationHistory : IConversationHistory
{
    public Task WriteAsync(string phone, long sequence, TurnRecord turn, int length) => Task.CompletedTask;

    public Task EraseAsync(string phone) => Task.CompletedTask;

    public Task<IReadOnlyList<TurnRecord>> ReadAsync(string phone, long sequence, int length) => Task.FromResult<IReadOnlyList<TurnRecord>>([]);
}
