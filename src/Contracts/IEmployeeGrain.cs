using Orleans.Concurrency;

namespace Switchboard.Contracts;

/// <summary>
/// The employee directory: one grain per phone number (E.164 key) holding who texts from it. Enrolment also holds
/// the weekly "please submit your timesheet" reminder for that number.
/// </summary>
[Alias("Switchboard.IEmployeeGrain")]
public interface IEmployeeGrain : IGrainWithStringKey
{
    /// <summary>Registers the employee, or updates the registration (an enrolled guest becomes a real employee).</summary>
    [Alias("Register")]
    Task<EmployeeRegistration> Register(EmployeeProfile profile);

    /// <summary>Forgets the number (the timesheet itself is kept); false when nobody was registered.</summary>
    [Alias("Remove")]
    Task<bool> Remove();

    [Alias("Get")]
    Task<Employee?> Get();

    /// <summary>Employees:AutoEnroll: the registered employee, or a guest enrolled now (idempotent).</summary>
    [Alias("EnrollGuest")]
    Task<Employee> EnrollGuest();

    /// <summary>
    /// Whether the employee registered here emails from <paramref name="address"/> (normalised). Read-only and may
    /// interleave: the directory of addresses asks while this grain may be waiting for it.
    /// </summary>
    [AlwaysInterleave, Alias("EmailsFrom")]
    Task<bool> EmailsFrom(string address);
}

/// <summary>
/// What an operator (or the start-up import) says about an employee; no time zone means the company default, no email
/// that they do not write by email.
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.EmployeeProfile")]
public sealed record EmployeeProfile(string EmployeeId, string Name, string? TimeZone)
{
    public const int MaxLength = 100;

    /// <summary>The address the employee emails from: a mail from it joins their conversation.</summary>
    [Id(0)] public string? Email { get; init; }

    /// <summary>Why this profile cannot be registered, in words for an operator; null when it can.</summary>
    public string? Problem() =>
        string.IsNullOrWhiteSpace(EmployeeId) ? "employeeId is required."
        : string.IsNullOrWhiteSpace(Name) ? "name is required."
        : EmployeeId.Length > MaxLength || Name.Length > MaxLength ? $"name and employeeId have at most {MaxLength} characters."
        : TimeZone is not null && !EmployeeTimeZone.IsKnown(TimeZone) ? $"timeZone '{TimeZone}' is not a known IANA time zone (e.g. Australia/Sydney)."
        : Email is not null && !EmailAddress.TryNormalize(Email, out _) ? "email is not an email address (e.g. ann@example.com)."
        : null;
}

/// <summary>An enrolled employee; <see cref="TimeZone"/> is the IANA id in effect (their own, or the company default).</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.Employee")]
public sealed record Employee(string Phone, string EmployeeId, string Name, string TimeZone)
{
    /// <summary>Enrolled automatically on first contact (Employees:AutoEnroll), not by an operator.</summary>
    [Id(0)] public bool IsGuest { get; init; }

    /// <summary>The address they email from (normalised), if any.</summary>
    [Id(1)] public string? Email { get; init; }
}

[GenerateSerializer, Alias("Switchboard.EmployeeRegistration")]
public enum EmployeeRegistration
{
    Created = 0,
    Updated = 1,

    /// <summary>Nothing changed: the email address is another employee's (a mail from it can join one conversation only).</summary>
    EmailTaken = 2,
}
