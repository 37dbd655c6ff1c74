using System.Security.Cryptography;
using System.Text;
using Orleans.Storage;

namespace Switchboard.Silo;

/// <summary>
/// Orleans' Azure Table grain storage with a row key of each grain's own: the state name and a hash of the grain's
/// partition key ("conversation_1a2b3c4d") instead of the state name alone. Azurite, the single machine's storage, finds a row by
/// its row key first and then filters by partition key; with one row key per grain type every read and write scanned
/// all the rows of that type: every reply ever sent, every sender. Two grains sharing a hash only share a row key; the
/// partition key (the grain id) keeps their rows apart. On Azure Table storage the layout changes nothing.
/// Rows that versions before 2026-12 wrote under the state name alone are moved by <see cref="OwnRowKeyMigration"/>; until
/// it has finished, a grain whose row is missing is looked up there too and adopts what it finds, and an insert is
/// refused (as if the row existed, so the grain reads and adopts it) when such a row exists.
/// </summary>
public sealed class OwnRowKeyGrainStorage(IGrainStorage table, OwnRowKeyMigration migration) : IGrainStorage
{
    public static string RowName(string stateName, GrainId grainId) => RowName(stateName, TableKey(grainId.ToString()));

    /// <summary>
    /// The row key of a state whose partition key is "{ServiceId}_" and <paramref name="grainKey"/>: the grain id as
    /// Orleans writes it there, so the migration computes it from a stored row without parsing a grain id.
    /// </summary>
    public static string RowName(string stateName, string grainKey) =>
        $"{stateName}_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(grainKey)), 0, 4)}";

    /// <summary>A table key as Orleans sanitizes it (AzureTableUtils.SanitizeTableProperty).</summary>
    public static string TableKey(string key) => key.Replace('/', '_').Replace('\\', '_').Replace('#', '_').Replace('?', '_');

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await table.ReadStateAsync(RowName(stateName, grainId), grainId, grainState);
        if (!grainState.RecordExists && migration.OldRowsMayExist && await ReadOldRowAsync<T>(stateName, grainId) is { } old)
        {
            // Adopted without an ETag: the first write inserts the grain's own row (refused if the migration got
            // there first: the grain then reloads it).
            grainState.State = old.State;
            grainState.ETag = null;
            grainState.RecordExists = true;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState is { ETag: null, RecordExists: false } && migration.OldRowsMayExist && await ReadOldRowAsync<T>(stateName, grainId) is not null)
        {
            throw new InconsistentStateException($"The {stateName} state of {grainId} is stored under its old row key: read it first.");
        }

        await table.WriteStateAsync(RowName(stateName, grainId), grainId, grainState);
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await table.ClearStateAsync(RowName(stateName, grainId), grainId, grainState);
        if (migration.OldRowsMayExist && await ReadOldRowAsync<T>(stateName, grainId) is { } old)
        {
            await table.ClearStateAsync(stateName, grainId, old); // else the old row would come back at the next read
        }
    }

    private async Task<GrainState<T>?> ReadOldRowAsync<T>(string stateName, GrainId grainId)
    {
        var old = new GrainState<T>();
        await table.ReadStateAsync(stateName, grainId, old);
        return old.RecordExists ? old : null;
    }
}
