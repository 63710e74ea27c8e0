using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// One table: counter partitions <c>c|&lt;event&gt;|&lt;day&gt;</c> hold the day's <c>total</c> row and one
/// <c>msg:&lt;message id&gt;</c> marker per applied message; unique partitions <c>u|&lt;event&gt;|&lt;day&gt;</c>
/// hold one row per id.
/// </summary>
public sealed class UsageMetricsTables(TableServiceClient service, IOptions<StorageOptions> options) : ITableSet
{
    /// <summary>The table.</summary>
    public TableClient UsageMetrics { get; } = service.GetTableClient(options.Value.TablePrefix + "UsageMetrics");

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [UsageMetrics];
}
