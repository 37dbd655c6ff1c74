using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Grains.Employees;

/// <summary>
/// Employees:ImportPath: registers every employee in a JSON file once the host has started (the silo serves grains
/// by then). Re-running it is harmless: registering again only updates. A bad entry is logged and skipped.
/// </summary>
public sealed class EmployeeImport(
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
                var entry = entries[i];
                if (Problem(entry, options.Value.DefaultRegion, out var phone) is { } problem)
                {
                    EmployeeLog.ImportEntrySkipped(logger, i, problem);
                    continue;
                }

                try
                {
                    var profile = new EmployeeProfile(entry!.EmployeeId!, entry.Name!, entry.TimeZone) { Email = entry.Email };
                    if (await grains.GetGrain<IEmployeeGrain>(phone!).Register(profile) == EmployeeRegistration.EmailTaken)
                    {
                        EmployeeLog.ImportEntrySkipped(logger, i, "email is another employee's");
                        continue;
                    }

                    imported++;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // A failed registration (storage down...) must not stop the host: the next start imports it again.
                    EmployeeLog.ImportEntryFailed(logger, i, PhoneMask.Mask(phone), PhoneMask.Describe(ex));
                }
            }

            EmployeeLog.Imported(logger, path, imported, entries.Count - imported);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            EmployeeLog.ImportFailed(logger, ex, path);
        }
    }

    /// <summary>What is wrong with the entry, or null with its phone normalised as the webhook does it.</summary>
    private static string? Problem(ImportedEmployee? entry, string defaultRegion, out string? phone)
    {
        phone = null;
        return entry is null ? "empty entry"
            : !E164.TryNormalize(entry.Phone, defaultRegion, out phone) ? "phone is not a valid number, like +61412345678"
            : new EmployeeProfile(entry.EmployeeId ?? "", entry.Name ?? "", entry.TimeZone) { Email = entry.Email }.Problem();
    }

    private sealed record ImportedEmployee(string? Phone, string? Name, string? EmployeeId, string? TimeZone, string? Email);
}
