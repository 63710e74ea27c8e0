using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Subscriptions;

/// <summary>A namespace's next seat reconciliation, as CustomersDot announces it.</summary>
/// <param name="NamespaceId">The namespace.</param>
/// <param name="NextReconciliationDate">When it happens.</param>
/// <param name="DisplayAlertFrom">From when GitLab shows the alert.</param>
public sealed record UpcomingReconciliation(long NamespaceId, DateOnly NextReconciliationDate, DateOnly DisplayAlertFrom);

/// <summary>
/// <c>/internal/upcoming_reconciliations</c> (spec §5.12–5.13): one row per namespace, upserted by PUT (every
/// record is checked before any is written), removed by DELETE.
/// </summary>
public sealed class UpcomingReconciliationService(SubscriptionTables tables, NamespaceFinder namespaces, TimeProvider time)
{
    /// <summary>
    /// Upserts every record, keyed by namespace, once all are valid: a record of a namespace that does not exist is
    /// the service's error (<see cref="SubscriptionRefusal.ServiceError"/>), and nothing is written.
    /// </summary>
    public async Task UpsertAsync(IReadOnlyList<UpcomingReconciliation> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            if (await namespaces.GetAsync(item.NamespaceId, cancellationToken) is null)
            {
                throw SubscriptionException.ServiceError("Namespace must exist");
            }
        }

        var now = time.GetUtcNow();
        foreach (var item in items)
        {
            await WriteAsync(item, now, cancellationToken);
        }
    }

    private async Task WriteAsync(UpcomingReconciliation item, DateTimeOffset now, CancellationToken cancellationToken) =>
        await tables.UpcomingReconciliations.UpsertEntityAsync(new TableEntity(Key(item.NamespaceId), "")
        {
            ["NextReconciliationDate"] = Text(item.NextReconciliationDate),
            ["DisplayAlertFrom"] = Text(item.DisplayAlertFrom),
            ["UpdatedAt"] = now,
        }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Writes one record as it is (the import section; its namespace was checked there).</summary>
    public Task ImportAsync(UpcomingReconciliation item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        return WriteAsync(item, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The namespace's upcoming reconciliation, or null.</summary>
    public async Task<UpcomingReconciliation?> GetAsync(long namespaceId, CancellationToken cancellationToken = default) =>
        await tables.UpcomingReconciliations.FindAsync(Key(namespaceId), "", cancellationToken: cancellationToken) is { } e
            ? new UpcomingReconciliation(namespaceId, Date(e.GetString("NextReconciliationDate")), Date(e.GetString("DisplayAlertFrom")))
            : null;

    /// <summary>Deletes the namespace's row; not found (<c>404 Not Found</c>) when there is none.</summary>
    public async Task DeleteAsync(long namespaceId, CancellationToken cancellationToken = default)
    {
        // The SDK answers a delete of a missing entity without throwing; its status says whether there was one.
        var response = await tables.UpcomingReconciliations.DeleteEntityAsync(Key(namespaceId), "", ETag.All, cancellationToken);
        if (response.Status == 404)
        {
            throw SubscriptionException.NotFound(null);
        }
    }

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Date(string? text) => DateOnly.ParseExact(text ?? "0001-01-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
