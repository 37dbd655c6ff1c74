using System.ComponentModel.DataAnnotations;

namespace Switchboard.Grains.Retention;

/// <summary>Configuration section "Retention": how long message texts are kept (turn history rows, outbound bodies).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Turn history rows older than this are deleted and outbound bodies older than this are blanked.</summary>
    [Range(1, 3650, ErrorMessage = "Retention:Days must be from 1 to 3650.")]
    public int Days { get; set; } = 30;

    /// <summary>How often the retention sweep runs (a reminder of one grain); below a minute only in Development.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00")]
    public TimeSpan SweepPeriod { get; set; } = TimeSpan.FromDays(1);

    public TimeSpan Retention => TimeSpan.FromDays(Days);
}
