using System.ComponentModel.DataAnnotations;

namespace Switchboard.Grains.Agents;

/// <summary>Configuration section "Branding": how replies sound and how they are signed.</summary>
public sealed class BrandingOptions
{
    public const string Section = "Branding";

    [Required, StringLength(40, MinimumLength = 1)]
    public string CompanyName { get; set; } = "Switchboard";

    /// <summary>Appended to every reply; "{CompanyName}" is replaced. Empty: no sign-off.</summary>
    [StringLength(60)]
    public string SignOff { get; set; } = "- {CompanyName}";

    public BrandingTone Tone { get; set; } = BrandingTone.Plain;
}

public enum BrandingTone
{
    /// <summary>The facts, nothing added.</summary>
    Plain,

    /// <summary>Greets registered employees by first name.</summary>
    Friendly,
}
