using Switchboard.Contracts;

namespace Switchboard.Grains.Employees;

/// <summary>Who texts from one number. Empty (no <see cref="EmployeeId"/>) until registered or enrolled.</summary>
[GenerateSerializer, Alias("Switchboard.EmployeeState")]
public sealed class EmployeeState
{
    [Id(0)] public string? EmployeeId { get; set; }

    [Id(1)] public string Name { get; set; } = "";

    /// <summary>IANA id; null follows the company default (Timesheet:TimeZone), so changing the default moves everyone.</summary>
    [Id(2)] public string? TimeZone { get; set; }

    [Id(3)] public bool IsGuest { get; set; }

    /// <summary>Start of the last week the submit reminder was dealt with (sent, or not needed): a doubled tick sends nothing.</summary>
    [Id(4)] public DateOnly? RemindedWeek { get; set; }

    /// <summary>The address the employee emails from (normalised), claimed in the address index (<see cref="IEmployeeEmailGrain"/>).</summary>
    [Id(5)] public string? Email { get; set; }

    public bool IsRegistered => EmployeeId is not null;
}
