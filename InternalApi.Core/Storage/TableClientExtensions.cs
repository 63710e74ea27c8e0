using Azure;
using Azure.Data.Tables;

namespace InternalApi.Core.Storage;

/// <summary>The few shapes every store repeats over the SDK's <see cref="TableClient"/>.</summary>
public static class TableClientExtensions
{
    /// <summary>Longest PartitionKey or RowKey the service stores: 1 KiB of UTF-16.</summary>
    public const int MaxKeyLength = 512;

    /// <summary>
    /// Point read; null when the entity does not exist, or cannot exist: lookups take keys from request
    /// parameters, and a key over <see cref="MaxKeyLength"/> names nothing, while asking would be refused
    /// (400, or 431 once the URL grows too long) and surface as a failure of the caller.
    /// </summary>
    public static async Task<TableEntity?> FindAsync(this TableClient table, string partitionKey, string rowKey, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        if (partitionKey.Length > MaxKeyLength || rowKey.Length > MaxKeyLength)
        {
            return null;
        }

        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, select, cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Every entity matching a filter built with <see cref="TableClient.CreateQueryFilter(FormattableString)"/>.</summary>
    public static async Task<List<TableEntity>> ListAsync(this TableClient table, string filter, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var list = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: select, cancellationToken: cancellationToken))
        {
            list.Add(entity);
        }

        return list;
    }

    /// <summary>All entities of one partition.</summary>
    public static Task<List<TableEntity>> ListPartitionAsync(this TableClient table, string partitionKey, CancellationToken cancellationToken = default) =>
        table.ListAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"), cancellationToken: cancellationToken);

    /// <summary>
    /// Merges into an existing entity only (<c>If-Match: *</c>): touching a deleted entity must not resurrect
    /// it. False when it is gone.
    /// </summary>
    public static async Task<bool> MergeIfExistsAsync(this TableClient table, TableEntity patch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        try
        {
            await table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>A lost optimistic race: the entity exists already (409) or changed since it was read (412).</summary>
    public static bool IsConcurrencyConflict(this RequestFailedException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Status is 409 or 412;
    }
}
