using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Contracts;
using Switchboard.Grains.Conversations;

namespace Switchboard.Tests.Engine;

/// <summary>A failing history table loses lines, never messages, and never holds up the inbox.</summary>
public sealed class HistoryLinesTests
{
    private static readonly InboundSms Sms = new("SM1", "+15550100001", "+15005550006", "log 8h", DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_finished_turn_gives_its_line_up_after_the_last_failed_write_instead_of_retrying_forever()
    {
        var history = new FailingHistory();
        var lines = new HistoryLines(history, "+15550100001", new ConversationOptions(), NullLogger.Instance);
        var record = TurnRecord.For(Sms, TurnOutcome.Answered, DateTimeOffset.UnixEpoch, "Logged");

        for (var i = 1; i < HistoryLines.FinishAttempts; i++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => lines.WriteFinishedAsync(0, record)); // the finish is tried again
        }

        await lines.WriteFinishedAsync(0, record); // the last try gives the line up: the turn ends
        Assert.Equal(HistoryLines.FinishAttempts, history.Writes);
        await Assert.ThrowsAsync<InvalidOperationException>(() => lines.WriteFinishedAsync(1, record)); // the next turn starts afresh
    }

    [Fact]
    public async Task A_message_that_starts_no_turn_loses_only_its_line()
    {
        var history = new FailingHistory();
        var lines = new HistoryLines(history, "+15550100001", new ConversationOptions(), NullLogger.Instance);

        await lines.TryWriteAsync(0, TurnRecord.For(Sms, TurnOutcome.OptedOut, DateTimeOffset.UnixEpoch)); // does not throw

        Assert.Equal(1, history.Writes); // tried once, not again
    }

    private sealed class FailingHistory : IConversationHistory
    {
        public int Writes { get; private set; }

        public Task WriteAsync(string phone, long sequence, TurnRecord turn, int length)
        {
            Writes++;
            throw new InvalidOperationException("the history table refuses writes");
        }

        public Task EraseAsync(string phone) => Task.CompletedTask;

        public Task<IReadOnlyList<TurnRecord>> ReadAsync(string phone, long sequence, int length) => Task.FromResult<IReadOnlyList<TurnRecord>>([]);
    }
}
