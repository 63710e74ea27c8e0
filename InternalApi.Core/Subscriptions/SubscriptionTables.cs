using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Subscriptions;

/// <summary>The billing tables (CustomersDot and Admin Area endpoints), keyed for point reads by namespace.</summary>
public sealed class SubscriptionTables : ITableSet
{
    /// <summary>The well-known partition of <see cref="StorageExclusions"/>.</summary>
    public const string ExclusionPartition = "exclusion";

    /// <summary>Creates a client per table.</summary>
    public SubscriptionTables(TableServiceClient service, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.Value.TablePrefix;
        Subscriptions = service.GetTableClient(prefix + "GitlabSubscriptions");
        AddOnPurchases = service.GetTableClient(prefix + "AddOnPurchases");
        MinutePacks = service.GetTableClient(prefix + "MinutePacks");
        UpcomingReconciliations = service.GetTableClient(prefix + "UpcomingReconciliations");
        StorageExclusions = service.GetTableClient(prefix + "StorageLimitExclusions");
    }

    /// <summary>PK namespace id, RK <c>""</c>: the namespace's one subscription.</summary>
    public TableClient Subscriptions { get; }

    /// <summary>PK namespace id, RK add-on name: one purchase per namespace and add-on.</summary>
    public TableClient AddOnPurchases { get; }

    /// <summary>PK namespace id, RK purchase id (encoded): a namespace's packs, unique per purchase id.</summary>
    public TableClient MinutePacks { get; }

    /// <summary>PK namespace id, RK <c>""</c>: the namespace's next reconciliation.</summary>
    public TableClient UpcomingReconciliations { get; }

    /// <summary>
    /// One partition (<see cref="ExclusionPartition"/>): RK <c>id-&lt;19-digit id&gt;</c> the exclusion (listed in id order,
    /// as GitLab pages by id), RK <c>ns-&lt;namespace id&gt;</c> the guard that keeps one exclusion per namespace. Both rows
    /// are written and deleted in one transaction.
    /// </summary>
    public TableClient StorageExclusions { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [Subscriptions, AddOnPurchases, MinutePacks, UpcomingReconciliations, StorageExclusions];
}
