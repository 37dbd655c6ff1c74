using Microsoft.Extensions.Logging;
using Switchboard.Contracts;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// Writes a conversation's lines to <see cref="IConversationHistory"/>. The message or turn itself is safe in the state;
/// a line is what operators read, so a failing history table loses lines, never messages, and never holds up the inbox.
/// </summary>
internal sealed class HistoryLines(IConversationHistory history, string phone, ConversationOptions options, ILogger logger)
{
    /// <summary>A finished turn's line is written this many times at most: the inbox must not wait for the history table.</summary>
    public const int FinishAttempts = 3;

    private int _finishFailures;

    /// <summary>A message that starts no turn: written once, best effort.</summary>
    public async Task TryWriteAsync(long number, TurnRecord record)
    {
        try
        {
            await history.WriteAsync(phone, number, record, options.HistoryLength);
        }
        catch (Exception ex)
        {
            ConversationLog.HistoryWriteFailed(logger, PhoneMask.Mask(phone), record.MessageSid, PhoneMask.Describe(ex));
        }
    }

    /// <summary>A finished turn: a failure throws (the finish is tried again) until the last attempt, which gives the line up.</summary>
    public async Task WriteFinishedAsync(long number, TurnRecord record)
    {
        try
        {
            await history.WriteAsync(phone, number, record, options.HistoryLength);
        }
        catch (Exception ex) when (++_finishFailures >= FinishAttempts)
        {
            ConversationLog.HistoryGivenUp(logger, PhoneMask.Mask(phone), record.MessageSid, _finishFailures, PhoneMask.Describe(ex));
        }

        _finishFailures = 0;
    }

    public Task<IReadOnlyList<TurnRecord>> ReadAsync(long recorded) => history.ReadAsync(phone, recorded, options.HistoryLength);

    public Task EraseAsync() => history.EraseAsync(phone);
}
