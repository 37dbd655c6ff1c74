using Microsoft.Extensions.Options;
using Switchboard.Contracts;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// A conversation's state is one Azure Table entity, which Orleans caps at about 960 KB. Options that let the worst
/// case outgrow it would be accepted and then make every write of a busy conversation fail forever, so they stop the
/// host at start instead. The worst case: a full inbox of the longest bodies, a full dedupe record and a turn in
/// progress, every character taking 3 bytes in UTF-8. Finished turns are rows of their own (<see cref="IConversationHistory"/>).
/// </summary>
public sealed class ConversationStorageBudget : IValidateOptions<ConversationOptions>
{
    /// <summary>What Orleans' Azure Table storage writes at most per grain (15 properties of 64 KiB, less overhead).</summary>
    public const int EntityLimitBytes = 960 * 1024;

    private const int BytesPerChar = 3;
    private const int ReplyChars = 1600; // the quality step keeps a reply within one long message
    private const int RecordOverhead = 512; // ids, numbers, times, step timings
    private const int TraceParentBytes = 64; // W3C traceparent: 55 ASCII characters
    private const int MessageBytes = (InboundSms.MaxBodyLength * BytesPerChar) + RecordOverhead + 256 + TraceParentBytes; // + status callback URL
    private const int DedupeIdBytes = 40;
    private const int TurnBytes = ((InboundText.MaxLength + (2 * ReplyChars)) * BytesPerChar) + RecordOverhead;

    public static long WorstCaseBytes(ConversationOptions o) =>
        ((long)o.MaxPendingMessages * MessageBytes) + ((long)o.DedupeHorizon * DedupeIdBytes) + TurnBytes;

    public ValidateOptionsResult Validate(string? name, ConversationOptions options)
    {
        var worst = WorstCaseBytes(options);
        return worst <= EntityLimitBytes
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Conversation:MaxPendingMessages ({options.MaxPendingMessages}) and Conversation:DedupeHorizon ({options.DedupeHorizon}) let one conversation's stored state reach {worst / 1024} KB, above the " +
                $"{EntityLimitBytes / 1024} KB a storage entity holds: every write of such a conversation would fail. Lower them.");
    }
}
