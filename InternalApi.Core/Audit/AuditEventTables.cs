using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Audit;

/// <summary>
/// Audit events per project: PK project id, RK the inverted occurrence time (19 digits) and the event id, so a
/// partition reads newest first and a redelivered message lands on the row it wrote before.
/// </summary>
public sealed class AuditEventTables(TableServiceClient service, IOptions<StorageOptions> options) : ITableSet
{
    /// <summary>The table.</summary>
    public TableClient AuditEvents { get; } = service.GetTableClient(options.Value.TablePrefix + "AuditEvents");

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [AuditEvents];
}
