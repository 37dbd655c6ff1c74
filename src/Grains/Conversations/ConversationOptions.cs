using System.ComponentModel.DataAnnotations;

namespace Switchboard.Grains.Conversations;

/// <summary>Configuration section "Conversation": bounds and failure policy of conversations.</summary>
public sealed class ConversationOptions
{
    public const string Section = "Conversation";

    /// <summary>Messages in the inbox, the one being answered included; beyond this they are acknowledged but dropped (and counted).</summary>
    [Range(1, 1000)]
    public int MaxPendingMessages { get; set; } = 50;

    /// <summary>
    /// How many recent MessageSids are remembered to drop Twilio's redeliveries (per sender, 16 bytes each, written
    /// with every message). Twilio redelivers within seconds; a sender would have to text this many times meanwhile.
    /// </summary>
    [Range(10, 10_000)]
    public int DedupeHorizon { get; set; } = 64;

    /// <summary>Finished turns kept for operators.</summary>
    [Range(1, 200)]
    public int HistoryLength { get; set; } = 20;

    /// <summary>Attempts per step before the turn fails with an apology.</summary>
    [Range(1, 20)]
    public int StepMaxAttempts { get; set; } = 3;

    /// <summary>Wait before the first retry of a failed step; doubles with each attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan StepRetryBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A step with no answer after this long (plus Agents:StepDelayMs) is dispatched again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>When set, a turn still running after this long sends the sender one "working on it" message.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan? InterimReplyAfter { get; set; }

    /// <summary>Period of the reminder that wakes a conversation with pending work after a crash (1 minute minimum in production).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long an idle conversation keeps its wake-up reminder. A reminder costs a storage write to register and one
    /// to remove; holding it across a sender's burst of messages (and while the last reply is still being retried)
    /// saves both for every message.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ReminderIdleRelease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A step that took longer than this has its result persisted before the next step runs, so a crash does not
    /// repeat it; faster steps are simply run again after a crash, and a rules turn is written once, at its end. Steps
    /// of a remote provider (OpenAI) or with Agents:StepDelayMs are always persisted.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CheckpointAfter { get; set; } = TimeSpan.FromMilliseconds(200);
}
