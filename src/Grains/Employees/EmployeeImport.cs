using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Grains.Employees;

/// <summary>
/// Employees:ImportPath: registers every employee in a JSON file once the host has started (the silo serves grains
/// by then). Re-running it is harmless: registering again only updates. A bad entry is logged and skipped.
/// </summary>
public sealed partial class EmployeeImport(
    IOptions<EmployeeOptions> options, IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<EmployeeImport> logger)
    : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = options.Value.ImportPath;
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        try
        {
            await using var file = File.OpenRead(path);
            var entries = await JsonSerializer.DeserializeAsync<List<ImportedEmployee?>>(file, Json, stoppingToken) ?? [];
            var imported = 0;
            for (var i = 0; i < entries.Count; i++)
            {
                if (Problem(entries[i]) is { } problem)
                {
                    EmployeeLog.ImportEntrySkipped(logger, i, problem);
                    continue;
                }

                var entry = entries[i]!;
                await grains.GetGrain<IEmployeeGrain>(entry.Phone!).Register(new EmployeeProfile(entry.EmployeeId!, entry.Name!, entry.TimeZone));
                imported++;
            }

            EmployeeLog.Imported(logger, path, imported, entries.Count - imported);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            EmployeeLog.ImportFailed(logger, ex, path);
        }
    }

    private static string? Problem(ImportedEmployee? entry) =>
        entry is null ? "empty entry"
        : entry.Phone is null || !E164Pattern().IsMatch(entry.Phone) ? "phone must be E.164, like +61412345678"
        : new EmployeeProfile(entry.EmployeeId ?? "", entry.Name ?? "", entry.TimeZone).Problem();

    [GeneratedRegex(@"^\+[1-9]\d{6,14}$")]
    private static partial Regex E164Pattern();

    private sealed record ImportedEmployee(string? Phone, string? Name, string? EmployeeId, string? TimeZone);
}
