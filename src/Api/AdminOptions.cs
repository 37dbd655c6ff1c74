using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Api;

/// <summary>Configuration section "Admin".</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Key for /admin/* (header X-Api-Key). A secret: never logged.</summary>
    [Required(ErrorMessage = "Admin:ApiKey is required (set Admin__ApiKey).")]
    [MinLength(16, ErrorMessage = "Admin:ApiKey must have at least 16 characters.")]
    public string ApiKey { get; set; } = "";

    /// <summary>Whether a presented key (header X-Api-Key) is the configured one; constant time.</summary>
    public bool Accepts(string presented) =>
        ApiKey.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(ApiKey));
}
