using System.ComponentModel.DataAnnotations;

namespace Switchboard.Silo;

/// <summary>Configuration section "Orleans": where this silo listens and which cluster it joins.</summary>
public sealed class SiloOptions
{
    public const string Section = "Orleans";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    [Required]
    public string ClusterId { get; set; } = "switchboard-dev";

    [Required]
    public string ServiceId { get; set; } = "switchboard";
}
