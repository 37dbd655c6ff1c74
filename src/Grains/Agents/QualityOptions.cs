using System.ComponentModel.DataAnnotations;

namespace Switchboard.Grains.Agents;

/// <summary>Configuration section "Quality": the budget a reply must fit and how hard refinement tries.</summary>
public sealed class QualityOptions
{
    public const string Section = "Quality";

    /// <summary>
    /// Most SMS segments a reply may take (GSM-7: 160 characters alone, 153 each when split; UCS-2: 70/67). The default,
    /// 10 segments (1,530 GSM-7 characters), is the most that stays within Twilio's 1,600-character message: a week of
    /// many projects is answered whole instead of cut or replaced by an apology. Lower it to spend fewer segments.
    /// </summary>
    [Range(1, 10)]
    public int MaxSegments { get; set; } = 10;

    /// <summary>Rewrites of a failing reply before the safe fallback is sent instead.</summary>
    [Range(0, 5)]
    public int MaxRefinements { get; set; } = 2;
}
