using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Switchboard.Contracts;
using Switchboard.Grains.Conversations;
using Switchboard.Silo;

namespace Switchboard.Tests.Resilience;

/// <summary>A storage blip when the history table is first needed must not stall the silo's turns for good.</summary>
public sealed class HistoryTableTests
{
    [Fact]
    public async Task A_table_creation_that_failed_is_tried_again_by_the_next_write()
    {
        var tables = new FlakyTables(creationFailures: 1);
        var history = new TableConversationHistory(tables, "svc");
        var sms = new InboundSms("SM1", "+15550100001", "+15005550006", "log 8h", DateTimeOffset.UnixEpoch);
        var record = TurnRecord.For(sms, TurnOutcome.Answered, DateTimeOffset.UnixEpoch, "Logged");

        await Assert.ThrowsAsync<RequestFailedException>(() => history.WriteAsync(sms.From, 0, record, 20)); // storage down
        await history.WriteAsync(sms.From, 0, record, 20); // storage back: written

        Assert.Equal(2, tables.Table.Creations);
        Assert.Equal(1, tables.Table.Upserts);
    }

    private sealed class FlakyTables(int creationFailures) : TableServiceClient
    {
        public FlakyTable Table { get; } = new(creationFailures);

        public override TableClient GetTableClient(string tableName) => Table;
    }

    private sealed class FlakyTable(int creationFailures) : TableClient
    {
        public int Creations { get; private set; }

        public int Upserts { get; private set; }

        public override Task<Response<Azure.Data.Tables.Models.TableItem>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default) =>
            ++Creations <= creationFailures
                ? throw new RequestFailedException(503, "storage is unavailable")
                : Task.FromResult(Response.FromValue(new Azure.Data.Tables.Models.TableItem("ConversationHistory"), new OkResponse()));

        public override Task<Response> UpsertEntityAsync<T>(T entity, TableUpdateMode mode = TableUpdateMode.Merge, CancellationToken cancellationToken = default)
        {
            Upserts++;
            return Task.FromResult<Response>(new OkResponse());
        }
    }

    private sealed class OkResponse : Response
    {
        public override int Status => 204;

        public override string ReasonPhrase => "No Content";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = "";

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }
}
