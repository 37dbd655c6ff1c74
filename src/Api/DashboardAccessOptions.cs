using System.ComponentModel.DataAnnotations;

namespace Switchboard.Api;

/// <summary>
/// Configuration section "Dashboard": the Orleans dashboard's own Basic credentials. The dashboard shows any grain's
/// stored state (texts, replies, employee records), so who may open it is a decision apart from who holds the admin key.
/// </summary>
public sealed class DashboardAccessOptions : IValidatableObject
{
    public const string Section = "Dashboard";

    public const int MinPasswordLength = 16;

    public string? Username { get; set; }

    /// <summary>A secret: never logged. Never Admin:ApiKey (checked at start, see <see cref="SwitchboardApi"/>).</summary>
    public string? Password { get; set; }

    /// <summary>Both set: outside Development the dashboard is served only then.</summary>
    public bool IsSet => !string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult(
                "Dashboard:Username and Dashboard:Password are set together: one of them is missing.", [nameof(Username), nameof(Password)]);
        }

        if (Password is { Length: > 0 and < MinPasswordLength })
        {
            yield return new ValidationResult($"Dashboard:Password must have at least {MinPasswordLength} characters.", [nameof(Password)]);
        }
    }
}
