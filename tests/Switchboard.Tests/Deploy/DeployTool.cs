using System.Diagnostics;

namespace Switchboard.Tests.Deploy;

/// <summary>Runs a command-line tool the deploy tests need (the Bicep CLI, kubectl) and captures what it prints.</summary>
internal static class DeployTool
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Result Run(string executable, string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunAsync(executable, workingDirectory, timeout, arguments).GetAwaiter().GetResult();

    /// <summary>Runs the tool; <paramref name="environment"/> may change the variables it inherits. Killed past the timeout.</summary>
    public static async Task<Result> RunAsync(
        string executable, string workingDirectory, TimeSpan timeout, IEnumerable<string> arguments, Action<IDictionary<string, string?>>? environment = null)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        environment?.Invoke(start.Environment);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The first existing file among the directories of PATH and the given fallbacks, or null.</summary>
    public static string? FindOnPath(string name, params string[] fallbacks) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .Concat(fallbacks)
            .FirstOrDefault(File.Exists);
}
