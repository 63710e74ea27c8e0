using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Import;

/// <summary>How many rows of one table the migration moved.</summary>
public sealed record MigratedTable(string Table, int Moved);

/// <summary>What a migration did: the rows it moved per table, and the memberships it copied into their hierarchies.</summary>
public sealed record MigrationResult(IReadOnlyList<MigratedTable> Tables, int MembershipsCopied);

/// <summary>
/// Moves rows written before the spread layout (docs/decisions/0006-spread-partitions.md) into it: a row keyed by
/// its value alone (PartitionKey the value, RowKey empty) becomes the row <see cref="Spread"/> places, and a
/// <c>UserSshKeys</c> row (PartitionKey the user, RowKey the key) becomes <see cref="EntityMapping.UserKeyRow"/>.
/// The new row is added, never replaced: one that exists was written by the app since it was deployed, and is
/// newer. The old row is deleted after, conditional on what was read, so a run that stops half-way, or a second
/// run, ends in the same state. It also copies every membership into its hierarchy's <see cref="NamespaceTree"/>
/// partition, where the seat count reads them, once per store (a marker row records that it was done; the app and
/// the import keep the copies from then on). An operator command (it reads every table whole), never run by a function.
/// </summary>
public sealed class SpreadLayoutMigration(GitLabTables tables, MembershipStore members)
{
    // NamespaceTree partitions are namespace ids (digits): this one is nobody's.
    private const string MarkerPartition = "layout";
    private const string MemberCopiesMarker = "member-copies";

    /// <summary>Moves every old-layout row and copies the memberships (once); what it did.</summary>
    public async Task<MigrationResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var moved = await MoveRowsAsync(cancellationToken);
        var copied = 0;
        if (await FindMarkerAsync(cancellationToken) is null)
        {
            copied = await CopyMembershipsAsync(cancellationToken);
            await tables.NamespaceTree.CreateIfNotExistsAsync(cancellationToken);
            await tables.NamespaceTree.UpsertEntityAsync(
                new TableEntity(MarkerPartition, MemberCopiesMarker) { ["Copied"] = copied }, TableUpdateMode.Replace, cancellationToken);
        }

        return new MigrationResult(moved, copied);
    }

    // A store without the table yet reads as "not done" (the SDK answers a missing table's entity as absent).
    private Task<TableEntity?> FindMarkerAsync(CancellationToken cancellationToken) =>
        tables.NamespaceTree.FindAsync(MarkerPartition, MemberCopiesMarker, cancellationToken: cancellationToken);

    /// <summary>Copies every row of <c>Members</c> under its source's top-level namespace (upserts: a second run rewrites the same rows).</summary>
    private async Task<int> CopyMembershipsAsync(CancellationToken cancellationToken)
    {
        var roots = new Dictionary<string, long?>(StringComparer.Ordinal);
        var copied = 0;
        await using var writer = new ImportWriter(cancellationToken);
        try
        {
            await foreach (var row in tables.Members.QueryAsync<TableEntity>(maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                var dash = row.PartitionKey.IndexOf('-', StringComparison.Ordinal);
                var source = row.PartitionKey.StartsWith("project-", StringComparison.Ordinal) ? MemberSource.Project
                    : row.PartitionKey.StartsWith("group-", StringComparison.Ordinal) ? MemberSource.Group : (MemberSource?)null;
                if (source is not { } kind ||
                    !long.TryParse(row.PartitionKey.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sourceId) ||
                    !long.TryParse(row.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var userId) ||
                    row.GetInt32("AccessLevel") is not { } level)
                {
                    continue;
                }

                if (!roots.TryGetValue(row.PartitionKey, out var root))
                {
                    root = await members.RootOfAsync(kind, sourceId, cancellationToken);
                    roots[row.PartitionKey] = root;
                }

                if (root is { } rootId)
                {
                    await writer.AddAsync(tables.NamespaceTree, NamespaceTree.RowOf(new TreeMember(kind, sourceId, userId, (AccessLevel)level), rootId));
                    copied++;
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && copied == 0)
        {
            return 0; // no Members table: nothing to copy
        }

        await writer.FlushAsync();
        return copied;
    }

    private async Task<IReadOnlyList<MigratedTable>> MoveRowsAsync(CancellationToken cancellationToken)
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
