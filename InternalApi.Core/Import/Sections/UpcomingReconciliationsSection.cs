using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;

namespace InternalApi.Core.Import;

/// <summary>
/// <c>upcoming_reconciliations</c>: a namespace's next seat reconciliation, as CustomersDot's PUT leaves it
/// (<c>namespace_id</c>, <c>next_reconciliation_date</c>, <c>display_alert_from</c>; one per namespace).
/// </summary>
public sealed class UpcomingReconciliationsSection(UpcomingReconciliationService reconciliations) : ImportSection<UpcomingReconciliation>
{
    /// <inheritdoc/>
    public override string Name => "upcoming_reconciliations";

    /// <inheritdoc/>
    protected override UpcomingReconciliation Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var next = record.Date("next_reconciliation_date");
        var alert = record.Date("display_alert_from");
        if (next is null)
        {
            record.Error("next_reconciliation_date", "is required (a date)");
        }

        if (alert is null)
        {
            record.Error("display_alert_from", "is required (a date)");
        }

        return new UpcomingReconciliation(record.Id("namespace_id", required: true) ?? 0, next ?? default, alert ?? default);
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<UpcomingReconciliation>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, r => ImportContext.Key(r.NamespaceId), "namespace_id", StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<UpcomingReconciliation> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var id = item.Value.NamespaceId;
        if (id > 0 && !context.GroupIdInFile(id) && await context.Stored.NamespaceAsync(id, cancellationToken) is null)
        {
            context.Error(item.Path, "namespace_id", $"unknown namespace {id}");
        }
    }

    /// <inheritdoc/>
    protected override Task WriteAsync(UpcomingReconciliation value, ImportContext context, CancellationToken cancellationToken) =>
        reconciliations.ImportAsync(value, cancellationToken);
}
