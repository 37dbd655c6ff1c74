using System.Diagnostics;
using System.Text;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// The real host (src/Silo, or the stand-alone front end src/Frontend) as a separate OS process, so a test can kill it
/// with SIGKILL the way a crash would, then start another on the same storage.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private readonly string _project;

    private SiloProcess(Process process, string baseUrl, string project)
    {
        _process = process;
        BaseUrl = baseUrl;
        _project = project;
    }

    public string BaseUrl { get; }

    /// <summary>The OS process id.</summary>
    public int Id => _process.Id;

    /// <summary>What the host printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="settings">Configuration keys (":" or "__") passed as environment variables.</param>
    /// <param name="project">The host under src/: "Silo" (default) or "Frontend" (built with the tests, see the csproj).</param>
    /// <summary>
    /// What every test host process needs: storage, Twilio credentials and REST base URL (a fake), the admin key, in
    /// Durable mode. Tests add or override keys.
    /// </summary>
    public static Dictionary<string, string> Settings(string storage, string twilioApiBaseUrl, string authToken, string adminKey, string clusterId) => new()
    {
        ["ConnectionStrings:AzureStorage"] = storage,
        ["Twilio:AccountSid"] = "AC22222222222222222222222222222222",
        ["Twilio:AuthToken"] = authToken,
        ["Twilio:FromNumber"] = "+15005550006",
        ["Twilio:ApiBaseUrl"] = twilioApiBaseUrl,
        ["Twilio:Enabled"] = "true",
        ["Admin:ApiKey"] = adminKey,
        ["Webhook:AckMode"] = "Durable",
        ["Orleans:ClusterId"] = clusterId,
    };

    /// <param name="waitUntilHealthy">false: return once the process runs (<see cref="WaitHealthyAsync"/> waits later).</param>
    public static async Task<SiloProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string project = "Silo", bool waitUntilHealthy = true)
    {
        var siloDirectory = Path.Combine(RepositoryRoot.Path, "src", project);
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(siloDirectory, "bin", configuration, "net10.0", $"Switchboard.{project}.dll");
        var baseUrl = $"http://127.0.0.1:{FreePorts.Next()}";
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--urls", baseUrl },
            WorkingDirectory = siloDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Orleans__SiloPort"] = $"{FreePorts.Next()}";
        start.Environment["Orleans__GatewayPort"] = $"{FreePorts.Next()}";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{project} did not start.");
        var silo = new SiloProcess(process, baseUrl, project);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (waitUntilHealthy)
        {
            await silo.WaitHealthyAsync();
        }

        return silo;
    }

    /// <summary>Until GET /health answers 200 (60 s at most); fails at once if the process exits.</summary>
    public async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        await Eventually.HoldsAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"{_project} exited with {_process.ExitCode}:\n{Output}");
                }

                try
                {
                    return (await http.GetAsync("/health")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            $"{_project} to report healthy");
    }

    /// <summary>SIGTERM and wait for the exit: a graceful stop (Orleans leaves the membership table).</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", $"{_process.Id}"]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGKILL: no shutdown, no final writes, exactly like a crashed machine.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
