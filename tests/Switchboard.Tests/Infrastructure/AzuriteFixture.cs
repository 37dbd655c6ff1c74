using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A real Azurite (the Azure Storage emulator, installed by ./test.sh with npm ci) with its data in a temporary
/// folder. Integration tests use it for grain state, reminders and clustering. Azurite binds port 0 and prints the
/// ports it got (--silent drops only its access log), so two fixtures starting at once can never race for a port.
/// </summary>
public sealed partial class AzuriteFixture : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("switchboard-azurite-").FullName;
    private readonly Dictionary<string, int> _ports = [];
    private readonly StringBuilder _output = new();
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public Task InitializeAsync() => StartAsync(blob: 0, queue: 0, table: 0);

    /// <summary>
    /// Cuts storage off, keeping its data, as an outage would. Azurite keeps tables in memory and saves them now and
    /// then, so it is asked to stop (SIGTERM: it saves and closes) and killed only if it does not.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            await SignalAsync("CONT"); // a paused Azurite would never act on SIGTERM
            using (var term = Process.Start("kill", ["-TERM", $"{process.Id}"]))
            {
                await term.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Hangs storage (SIGSTOP): connections stay open and nothing answers, unlike a stopped Azurite that refuses them.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>Ends a hang (SIGCONT): Azurite answers what it was sent meanwhile.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        if (_process is { HasExited: false } process)
        {
            using var kill = Process.Start("kill", [$"-{signal}", $"{process.Id}"]);
            await kill.WaitForExitAsync();
        }
    }

    /// <summary>Ends an outage: Azurite again, on the same ports and data, so the connection string still holds.</summary>
    public Task RestartAsync()
    {
        var (blob, queue, table) = (Port("Blob")!.Value, Port("Queue")!.Value, Port("Table")!.Value);
        lock (_output)
        {
            _ports.Clear();
        }

        return StartAsync(blob, queue, table);
    }

    private async Task StartAsync(int blob, int queue, int table)
    {
        var azurite = Path.Combine(RepositoryRoot.Path, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}: run ./test.sh (it runs npm ci) or npm ci.");
        }

        var start = new ProcessStartInfo(azurite)
        {
            ArgumentList =
            {
                "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--loose", "--location", _dataDirectory,
                "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        _process.OutputDataReceived += (_, line) => Record(line.Data);
        _process.ErrorDataReceived += (_, line) => Record(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var stopwatch = Stopwatch.StartNew();
        while (Port("Blob") is null || Port("Queue") is null || Port("Table") is null)
        {
            if (_process.HasExited || stopwatch.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException(
                    $"Azurite did not listen within {stopwatch.Elapsed.TotalSeconds:F0} s (exited: {_process.HasExited}). Its output:\n{Output()}");
            }

            await Task.Delay(20);
        }

        foreach (var service in new[] { "Blob", "Queue", "Table" })
        {
            FreePorts.Exclude(Port(service)!.Value);
        }

        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{Port("Blob")}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{Port("Queue")}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{Port("Table")}/devstoreaccount1;";
    }

    /// <summary>Stops Azurite and deletes its data; safe to call twice.</summary>
    public async Task DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                _ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    private int? Port(string service)
    {
        lock (_output)
        {
            return _ports.TryGetValue(service, out var port) ? port : null;
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    // "Azurite Table service is successfully listening at http://127.0.0.1:43799"
    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
