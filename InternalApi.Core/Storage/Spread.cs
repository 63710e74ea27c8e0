using Azure;
using Azure.Data.Tables;

namespace InternalApi.Core.Storage;

/// <summary>
/// The layout of the tables keyed by one value (an id, a path, a username, a fingerprint): the value is the
/// RowKey and the PartitionKey is one of <see cref="Partitions"/> buckets derived from it. Every lookup stays a
/// point read (both keys follow from the value), while rows share partitions, which is what entity-group
/// transactions need: the import writes these tables in batches of up to 100 rows instead of one request a
/// row (docs/decisions/0006-spread-partitions.md). 64 buckets spread the load over up to 64 partition servers,
/// each good for 2,000 entities/s, more than the account's 20,000 requests/s.
/// </summary>
public static class Spread
{
    /// <summary>How many partitions a spread table has.</summary>
    public const int Partitions = 64;

    /// <summary>
    /// The partition of <paramref name="key"/>: FNV-1a over its UTF-16 code units (stable across processes and
    /// versions, unlike <see cref="string.GetHashCode()"/>), as two hex digits.
    /// </summary>
    public static string PartitionOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return Names[hash % Partitions];
    }

    /// <summary>The row keyed by <paramref name="key"/> with one property: an index row, or a patch to merge.</summary>
    public static TableEntity Row(string key, string property, object? value) => new(PartitionOf(key), key) { [property] = value };

    /// <summary>Point read of the row keyed by <paramref name="key"/>; null when there is none.</summary>
    public static Task<TableEntity?> FindSpreadAsync(this TableClient table, string key, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
        table.FindAsync(PartitionOf(key), key, select, cancellationToken);

    /// <summary>Deletes the row keyed by <paramref name="key"/> (a missing row is not an error).</summary>
    public static Task<Response> DeleteSpreadAsync(this TableClient table, string key, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.DeleteEntityAsync(PartitionOf(key), key, ifMatch, cancellationToken);
    }

    private static readonly string[] Names = [.. Enumerable.Range(0, Partitions).Select(i => i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))];
}
