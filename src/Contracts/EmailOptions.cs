using System.ComponentModel.DataAnnotations;

namespace Switchboard.Contracts;

/// <summary>
/// Configuration section "Email": the email channel, SendGrid in (Inbound Parse posts to /email/inbound) and out (v3
/// Mail Send). Off by default; off, /email/inbound answers 404 and email replies go to the dev outbox.
/// </summary>
public sealed class EmailOptions : IValidatableObject
{
    public const string Section = "Email";

    public const int MinPasswordLength = 16;

    public bool Enabled { get; set; }

    /// <summary>The address replies come from: one SendGrid may send for (sender authentication of its domain).</summary>
    public string? From { get; set; }

    /// <summary>A SendGrid API key with Mail Send access. A secret: never logged.</summary>
    public string? SendGridApiKey { get; set; }

    /// <summary>Base URL of SendGrid's API; a local SendGrid-compatible server in tests.</summary>
    [Url]
    public string SendGridBaseUrl { get; set; } = "https://api.sendgrid.com";

    /// <summary>The Basic credentials SendGrid's Inbound Parse presents (they are in the webhook URL it posts to).</summary>
    public string? InboundUsername { get; set; }

    /// <summary>A secret: never logged.</summary>
    public string? InboundPassword { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!EmailAddress.TryNormalize(From, out _))
        {
            yield return new ValidationResult("Email is enabled: set Email:From to the address replies come from (Email__From).", [nameof(From)]);
        }

        if (string.IsNullOrEmpty(SendGridApiKey))
        {
            yield return new ValidationResult("Email is enabled: set Email:SendGridApiKey (Email__SendGridApiKey).", [nameof(SendGridApiKey)]);
        }

        if (string.IsNullOrEmpty(InboundUsername) || InboundPassword is not { Length: >= MinPasswordLength })
        {
            yield return new ValidationResult(
                $"Email is enabled: set Email:InboundUsername and Email:InboundPassword (at least {MinPasswordLength} characters), the credentials of SendGrid's Inbound Parse URL.",
                [nameof(InboundUsername), nameof(InboundPassword)]);
        }
    }
}
