using Azure.Data.Tables;
using Switchboard.Grains.Conversations;
using Switchboard.Silo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>The turn history's table on Azurite: ring slots per number, and rows named as earlier versions named them.</summary>
public sealed class HistoryTableTests : IAsyncLifetime
{
    private const int Length = 5;
    private readonly AzuriteFixture _azurite = new();
    private TableConversationHistory _history = null!;
    private TableClient _table = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var tables = new TableServiceClient(_azurite.ConnectionString);
        _history = new TableConversationHistory(tables, "svc");
        _table = tables.GetTableClient(TableConversationHistory.TableName);
        await _table.CreateIfNotExistsAsync();
    }

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task Each_number_writes_its_own_row_keys_and_the_ring_keeps_the_last_turns()
    {
        var (first, second) = (TestSms.NewPhone(), TestSms.NewPhone());
        for (var sequence = 0; sequence < 7; sequence++)
        {
            await _history.WriteAsync(first, sequence, Turn(sequence), Length);
        }

        await _history.WriteAsync(second, 0, Turn(0), Length);

        Assert.Equal([2, 3, 4, 5, 6], (await _history.ReadAsync(first, 7, Length)).Select(SequenceOf));
        var firstKeys = await RowKeysAsync(first);
        Assert.Equal(Length, firstKeys.Count); // the ring: 7 turns in 5 rows
        // No row key shared between numbers (Azurite looks rows up by row key first).
        Assert.Empty(firstKeys.Intersect(await RowKeysAsync(second)));
    }

    [Fact]
    public async Task Turns_stored_under_the_old_slot_names_stay_in_the_view_until_newer_turns_replace_them()
    {
        var phone = TestSms.NewPhone();
        for (var sequence = 0; sequence < 5; sequence++)
        {
            await _table.UpsertEntityAsync(OldRow(phone, sequence)); // "turn_000".."turn_004", as before 2026-12
        }

        await _history.WriteAsync(phone, 5, Turn(5), Length);
        await _history.WriteAsync(phone, 6, Turn(6), Length);
        await _history.WriteAsync(phone, 4, Turn(4), Length); // turn 4 run again after the upgrade: two rows, one turn

        Assert.Equal([2, 3, 4, 5, 6], (await _history.ReadAsync(phone, 7, Length)).Select(SequenceOf));
    }

    private static TurnRecord Turn(long sequence) => new(
        $"SM{sequence:D32}", $"message {sequence}", $"reply {sequence}", TurnOutcome.Answered, null,
        DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, []);

    private static int SequenceOf(TurnRecord turn) => int.Parse(turn.Inbound["message ".Length..]);

    private static TableEntity OldRow(string phone, long sequence) => new($"svc_{phone}", $"turn_{sequence % Length:D3}")
    {
        ["Sequence"] = sequence,
        ["MessageSid"] = $"SM{sequence:D32}",
        ["Inbound"] = $"message {sequence}",
        ["Reply"] = $"reply {sequence}",
        ["Outcome"] = nameof(TurnOutcome.Answered),
        ["ReceivedAt"] = DateTimeOffset.UtcNow,
        ["CompletedAt"] = DateTimeOffset.UtcNow,
        ["Steps"] = "[]",
    };

    private async Task<List<string>> RowKeysAsync(string phone)
    {
        var partition = $"svc_{phone}";
        var keys = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"]))
        {
            keys.Add(row.RowKey);
        }

        return keys;
    }
}
