using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Subscriptions;

/// <summary>A namespace excluded from the storage limit, with its current name.</summary>
public sealed record StorageExclusion(long Id, long NamespaceId, string? NamespaceName, string Reason);

/// <summary>One page of exclusions and the total.</summary>
public sealed record StorageExclusionPage(IReadOnlyList<StorageExclusion> Items, int Total);

/// <summary>
/// Storage limit exclusions (spec §5.7–5.9): at most one per top-level namespace, listed in id order. The
/// exclusion row and its per-namespace guard row share a partition and change together in one transaction.
/// </summary>
public sealed class StorageExclusionService(SubscriptionTables tables, NamespaceStore namespaces, SequenceStore sequences)
{
    /// <summary>Sequence of exclusion ids.</summary>
    public const string IdSequence = "storage_limit_exclusions";

    /// <summary>One page (1-based) of <paramref name="perPage"/> exclusions in id order, and the total.</summary>
    public async Task<StorageExclusionPage> ListAsync(int page, int perPage, CancellationToken cancellationToken = default)
    {
        var rows = await tables.StorageExclusions.ListAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {SubscriptionTables.ExclusionPartition} and RowKey ge {"id-"} and RowKey lt {"id."}"),
            cancellationToken: cancellationToken);
        var slice = rows.Skip((int)Math.Min((long)(page - 1) * perPage, int.MaxValue)).Take(perPage).ToList();
        var names = await Task.WhenAll(slice.Select(r => namespaces.GetNamespaceAsync(r.GetInt64("NamespaceId") ?? 0, cancellationToken)));
        return new StorageExclusionPage([.. slice.Select((r, i) => ToExclusion(r, names[i]?.Name))], rows.Count);
    }

    /// <summary>Excludes a top-level namespace (400 for a subgroup, a second exclusion or a bad reason).</summary>
    public async Task<StorageExclusion> CreateAsync(GitLabNamespace ns, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(reason);
        RequireRoot(ns);
        if (await tables.StorageExclusions.FindAsync(SubscriptionTables.ExclusionPartition, GuardKey(ns.Id), cancellationToken: cancellationToken) is not null)
        {
            throw SubscriptionException.BadRequest("already excluded");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw SubscriptionException.Validation("reason", "can't be blank");
        }

        if (reason.Length > 255)
        {
            throw SubscriptionException.Validation("reason", "is too long (maximum is 255 characters)");
        }

        var id = await sequences.NextIdAsync(IdSequence, cancellationToken: cancellationToken);
        try
        {
            await tables.StorageExclusions.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(SubscriptionTables.ExclusionPartition, RowKey(id)) { ["NamespaceId"] = ns.Id, ["Reason"] = reason }),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(SubscriptionTables.ExclusionPartition, GuardKey(ns.Id)) { ["ExclusionId"] = id }),
            ], cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
            // A concurrent request excluded it first.
            throw SubscriptionException.BadRequest("already excluded");
        }

        return new StorageExclusion(id, ns.Id, ns.Name, reason);
    }

    /// <summary>Removes the namespace's exclusion (400 for a subgroup or when there is none).</summary>
    public async Task DeleteAsync(GitLabNamespace ns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        RequireRoot(ns);
        var guard = await tables.StorageExclusions.FindAsync(SubscriptionTables.ExclusionPartition, GuardKey(ns.Id), cancellationToken: cancellationToken)
            ?? throw SubscriptionException.BadRequest("not excluded");
        var id = guard.GetInt64("ExclusionId") ?? 0;
        try
        {
            await tables.StorageExclusions.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(SubscriptionTables.ExclusionPartition, RowKey(id)), ETag.All),
                new TableTransactionAction(TableTransactionActionType.Delete, guard, guard.ETag),
            ], cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
        {
            // Removed (or replaced) by a concurrent request meanwhile.
            throw SubscriptionException.BadRequest("not excluded");
        }
    }

    private static void RequireRoot(GitLabNamespace ns)
    {
        if (ns.ParentId is not null)
        {
            throw SubscriptionException.BadRequest("must use a root namespace");
        }
    }

    private static string RowKey(long id) => "id-" + id.ToString("D19", CultureInfo.InvariantCulture);

    private static string GuardKey(long namespaceId) => "ns-" + namespaceId.ToString(CultureInfo.InvariantCulture);

    private static StorageExclusion ToExclusion(TableEntity e, string? name) => new(
        long.Parse(e.RowKey.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture),
        e.GetInt64("NamespaceId") ?? 0,
        name,
        e.GetString("Reason") ?? "");
}
