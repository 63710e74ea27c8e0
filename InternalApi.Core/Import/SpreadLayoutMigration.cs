using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Import;

/// <summary>How many rows of one table the migration moved.</summary>
public sealed record MigratedTable(string Table, int Moved);

/// <summary>
/// Moves rows written before the spread layout (docs/decisions/0006-spread-partitions.md) into it: a row keyed by
/// its value alone (PartitionKey the value, RowKey empty) becomes the row <see cref="Spread"/> places, and a
/// <c>UserSshKeys</c> row (PartitionKey the user, RowKey the key) becomes <see cref="EntityMapping.UserKeyRow"/>.
/// The new row is added, never replaced: one that exists was written by the app since it was deployed, and is
/// newer. The old row is deleted after, conditional on what was read, so a run that stops half-way, or a second
/// run, ends in the same state. An operator command (it reads every table whole), never run by a function.
/// </summary>
public sealed class SpreadLayoutMigration(GitLabTables tables)
{
    /// <summary>Moves every old-layout row; what each table had.</summary>
    public async Task<IReadOnlyList<MigratedTable>> RunAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<MigratedTable>();
        foreach (var table in new[]
        {
            tables.Users, tables.UsernameIndex, tables.UserEmails, tables.SshKeys, tables.SshKeyFingerprints,
            tables.Namespaces, tables.NamespacePaths, tables.Projects, tables.ProjectRoutes,
        })
        {
            // New rows never have an empty RowKey (it is the value), so this finds exactly the old ones.
            results.Add(new MigratedTable(table.Name, await MoveAsync(table, "RowKey eq ''", KeyedRow, cancellationToken)));
        }

        results.Add(new MigratedTable(tables.UserSshKeys.Name, await MoveAsync(tables.UserSshKeys, null, UserKeyLink, cancellationToken)));
        return results;
    }

    private static TableEntity? KeyedRow(TableEntity old)
    {
        var moved = new TableEntity(old) { PartitionKey = Spread.PartitionOf(old.PartitionKey), RowKey = old.PartitionKey };
        moved.Remove("odata.etag");
        moved.Remove("Timestamp");
        return moved;
    }

    // An old link is user id / key id, both decimal; a new one's RowKey holds the ':' that UserKeyPrefix puts there.
    private static TableEntity? UserKeyLink(TableEntity old) =>
        !old.RowKey.Contains(':', StringComparison.Ordinal) &&
        long.TryParse(old.PartitionKey, NumberStyles.None, CultureInfo.InvariantCulture, out var userId) &&
        long.TryParse(old.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var keyId)
            ? UserKeyRow(userId, keyId)
            : null;

    private static async Task<int> MoveAsync(TableClient table, string? filter, Func<TableEntity, TableEntity?> relayout, CancellationToken cancellationToken)
    {
        var moved = 0;
        await using var writer = new ImportWriter(cancellationToken);
        try
        {
            await foreach (var old in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                if (relayout(old) is not { } row)
                {
                    continue;
                }

                moved++;
                await writer.RunAsync(ct => MoveRowAsync(table, old, row, ct));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && moved == 0)
        {
            return 0; // a table never written to (a store younger than the table)
        }

        await writer.FlushAsync();
        return moved;
    }

    private static async Task MoveRowAsync(TableClient table, TableEntity old, TableEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(row, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Written by the app since the deployment: newer than the old row.
        }

        await table.DeleteEntityAsync(old.PartitionKey, old.RowKey, old.ETag, cancellationToken);
    }
}
