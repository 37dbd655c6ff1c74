using System.ComponentModel.DataAnnotations;

namespace Switchboard.Grains;

/// <summary>Configuration section "Privacy".</summary>
public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>
    /// The key Development uses when none is set, so a local silo starts without one and derives the same ids every
    /// time. Public: ids derived with it are as guessable as unkeyed ones.
    /// </summary>
    public const string DevelopmentHashKey = "switchboard-development-privacy-hash-key";

    /// <summary>
    /// Key of the keyed hash (HMAC-SHA256) behind ids derived from a number: guest employee ids. A secret: with it, an
    /// id is traced back to its number by hashing every possible number. Changing it changes the ids of guests
    /// enrolled afterwards; enrolled guests keep theirs.
    /// </summary>
    [Required(ErrorMessage = "Privacy:HashKey is required outside Development (set Privacy__HashKey, at least 32 characters).")]
    [MinLength(32, ErrorMessage = "Privacy:HashKey must have at least 32 characters.")]
    public string HashKey { get; set; } = "";
}
