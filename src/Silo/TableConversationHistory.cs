using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Switchboard.Contracts;
using Switchboard.Grains.Conversations;

namespace Switchboard.Silo;

/// <summary>
/// Conversation history in an Azure Table (ConversationHistory): one partition per service and number, one row per
/// ring slot ("turn_000_{hash}".."turn_019_{hash}" for Conversation:HistoryLength 20), so recording a turn is one upsert
/// of about a kilobyte and a number never holds more rows than the ring. Reading the view is one partition query.
/// </summary>
public sealed class TableConversationHistory(TableServiceClient tables, string serviceId) : IConversationHistory
{
    public const string TableName = "ConversationHistory";

    /// <summary>Steps as JSON; a step that called no model leaves its token counts out rather than writing nulls.</summary>
    private static readonly JsonSerializerOptions StepsJson = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private Task<TableClient>? _table;

    /// <summary>
    /// The table, created on first use. A creation that failed (storage down when the silo started) is tried again by
    /// the next call: kept, it would fail every turn's finish on this silo for good.
    /// </summary>
    private Task<TableClient> TableAsync()
    {
        if (_table is not { IsFaulted: false, IsCanceled: false } table)
        {
            _table = table = CreateAsync(); // two callers may both create it: CreateIfNotExists does not mind
        }

        return table;
    }

    private async Task<TableClient> CreateAsync()
    {
        var table = tables.GetTableClient(TableName);
        await table.CreateIfNotExistsAsync();
        return table;
    }

    public async Task WriteAsync(string phone, long sequence, TurnRecord turn, int length)
    {
        var entity = new TableEntity(Partition(phone), Slot(phone, sequence, length))
        {
            ["Sequence"] = sequence,
            ["MessageSid"] = turn.MessageSid,
            ["Inbound"] = turn.Inbound,
            ["Reply"] = turn.Reply,
            ["Outcome"] = turn.Outcome.ToString(),
            ["OutboundId"] = turn.OutboundId,
            ["ReceivedAt"] = turn.ReceivedAt,
            ["CompletedAt"] = turn.CompletedAt,
            ["Steps"] = JsonSerializer.Serialize(turn.Steps, StepsJson),
            ["Error"] = turn.Error,
            ["TraceId"] = turn.TraceId,
            ["Channel"] = turn.Channel.ToString(),
            ["InputTokens"] = turn.InputTokens,
            ["OutputTokens"] = turn.OutputTokens,
        };
        await (await TableAsync()).UpsertEntityAsync(entity, TableUpdateMode.Replace);
    }

    public async Task EraseAsync(string phone)
    {
        var table = await TableAsync();
        var partition = Partition(phone);
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["PartitionKey", "RowKey"]))
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }
    }

    public async Task<IReadOnlyList<TurnRecord>> ReadAsync(string phone, long sequence, int length)
    {
        var table = await TableAsync();
        var turns = new List<(long Sequence, TurnRecord Turn)>();
        var partition = Partition(phone);
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition))
        {
            // Slots beyond a shortened ring, or left by turns a crash made run again, hold older turns: skip them.
            var number = row.GetInt64("Sequence") ?? -1;
            if (number < sequence && number >= sequence - length)
            {
                turns.Add((number, ToTurn(row)));
            }
        }

        // One turn in two rows: written under its old slot name, run again after an upgrade and written under the new.
        return [.. turns.OrderBy(t => t.Sequence).DistinctBy(t => t.Sequence).Select(t => t.Turn)];
    }

    private string Partition(string phone) => $"{serviceId}_{phone}";

    /// <summary>
    /// A slot's row key: its number and a hash of the phone number. Azurite finds a row by its row key first, and with
    /// the slot number alone ("turn_007", how versions before 2026-12 named it) every upsert scanned one row per sender.
    /// Rows under those names need no migration: the read keeps the last turns by Sequence whatever their row, so they
    /// drop out of the view as the ring turns, and the retention sweep deletes them with the rest.
    /// </summary>
    private static string Slot(string phone, long sequence, int length) =>
        OwnRowKeyGrainStorage.RowName("turn_" + (sequence % length).ToString("D3", CultureInfo.InvariantCulture), phone);

    private static TurnRecord ToTurn(TableEntity row) => new(
        row.GetString("MessageSid"),
        row.GetString("Inbound") ?? "",
        row.GetString("Reply"),
        Enum.Parse<TurnOutcome>(row.GetString("Outcome")),
        row.GetString("OutboundId"),
        row.GetDateTimeOffset("ReceivedAt") ?? default,
        row.GetDateTimeOffset("CompletedAt") ?? default,
        JsonSerializer.Deserialize<List<StepTiming>>(row.GetString("Steps") ?? "[]", StepsJson) ?? [])
    {
        Error = row.GetString("Error"),
        TraceId = row.GetString("TraceId"),
        // Rows written before WhatsApp have no Channel: they were SMS.
        Channel = Enum.TryParse<MessageChannel>(row.GetString("Channel"), out var channel) ? channel : MessageChannel.Sms,
        // Rows written before token accounting, and turns that called no model, have none.
        InputTokens = row.GetInt64("InputTokens"),
        OutputTokens = row.GetInt64("OutputTokens"),
    };
}
