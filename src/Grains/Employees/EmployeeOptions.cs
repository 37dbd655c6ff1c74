namespace Switchboard.Grains.Employees;

/// <summary>Configuration section "Employees".</summary>
public sealed class EmployeeOptions
{
    public const string Section = "Employees";

    /// <summary>Unknown senders are enrolled as guests (Development) instead of being told to register.</summary>
    public bool AutoEnroll { get; set; }

    /// <summary>A JSON file of employees registered at start-up: [{"phone", "name", "employeeId", "timeZone"}]. Optional.</summary>
    public string? ImportPath { get; set; }

    /// <summary>
    /// Region for imported numbers written without a country code. Set from Webhook:DefaultRegion, so an imported
    /// employee is keyed exactly as the webhook keys their texts.
    /// </summary>
    public string DefaultRegion { get; set; } = "US";
}
