using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Subscriptions;

/// <summary>A namespace's purchase of an add-on.</summary>
/// <param name="NamespaceId">The namespace.</param>
/// <param name="AddOn">The add-on's name (the URL slug).</param>
/// <param name="Quantity">Seats or units bought.</param>
/// <param name="ExpiresOn">Expiry.</param>
/// <param name="PurchaseXid">CustomersDot's purchase id (e.g. the subscription name).</param>
/// <param name="StartedOn">When it took effect (set by the bulk provisioning route; null before).</param>
/// <param name="Trial">A trial.</param>
public sealed record AddOnPurchase(long NamespaceId, string AddOn, long Quantity, DateOnly ExpiresOn, string PurchaseXid, DateOnly? StartedOn = null, bool Trial = false);

/// <summary>A PUT of a purchase: the new expiry, and the quantity and purchase id when sent (null keeps them).</summary>
/// <param name="ExpiresOn">Expiry (required).</param>
/// <param name="Quantity">New quantity, or null.</param>
/// <param name="PurchaseXid">New purchase id, or null.</param>
public sealed record AddOnPurchaseChanges(DateOnly ExpiresOn, long? Quantity, string? PurchaseXid);

/// <summary>
/// <c>/namespaces/:id/subscription_add_on_purchase/:add_on_name</c> (spec §5.4–5.6): one purchase per namespace and
/// add-on. The namespace and the add-on are resolved before the parameters are read (GitLab does both in a
/// <c>before</c> hook), so an unknown one is not found even for a malformed request.
/// </summary>
public sealed class AddOnPurchaseService(SubscriptionTables tables)
{
    private const int MaxRetries = 20;

    /// <summary>The add-ons this version knows, slug → the title the entity shows.</summary>
    public static readonly IReadOnlyDictionary<string, string> AddOns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["code_suggestions"] = "Code Suggestions",
        ["product_analytics"] = "Product Analytics",
        ["duo_enterprise"] = "Duo Enterprise",
    };

    /// <summary>The add-on's title; not found for a name this version does not know.</summary>
    public static string RequireAddOn(string? name) =>
        name is not null && AddOns.TryGetValue(name, out var title) ? title : throw SubscriptionException.NotFound("Subscription Add-on");

    /// <summary>The purchase; not found when there is none.</summary>
    public async Task<AddOnPurchase> GetAsync(GitLabNamespace ns, string addOn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return await FindAsync(ns.Id, addOn, cancellationToken) is { } purchase
            ? purchase
            : throw SubscriptionException.NotFound("Subscription Add-on Purchase");
    }

    /// <summary>POST (<c>quantity</c>, <c>expires_on</c> and <c>purchase_xid</c> required); an existing purchase is a bad request (use PUT).</summary>
    public async Task<AddOnPurchase> CreateAsync(GitLabNamespace ns, AddOnPurchase purchase, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(purchase);
        var addOn = purchase.AddOn;
        Validate(purchase);
        try
        {
            await tables.AddOnPurchases.AddEntityAsync(ToEntity(purchase), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            throw SubscriptionException.BadRequest($"Add-on purchase for namespace {ns.Name} and add-on {AddOns[addOn]} already exists, update the existing record");
        }

        return purchase;
    }

    /// <summary>PUT: <c>expires_on</c> required, the others optional; a missing purchase is a bad request (use POST).</summary>
    public async Task<AddOnPurchase> UpdateAsync(GitLabNamespace ns, string addOn, AddOnPurchaseChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(changes);

        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            var entity = await tables.AddOnPurchases.FindAsync(Key(ns.Id), addOn, cancellationToken: cancellationToken)
                ?? throw SubscriptionException.BadRequest($"Add-on purchase for namespace {ns.Name} and add-on {AddOns[addOn]} does not exist, create a new record instead");
            var current = ToPurchase(entity);
            var purchase = current with { ExpiresOn = changes.ExpiresOn, Quantity = changes.Quantity ?? current.Quantity, PurchaseXid = changes.PurchaseXid ?? current.PurchaseXid };
            Validate(purchase);
            try
            {
                await tables.AddOnPurchases.UpdateEntityAsync(ToEntity(purchase), entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return purchase;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == 404)
            {
                // Changed since it was read: read again.
            }
        }

        throw new InvalidOperationException("The add-on purchase kept changing under the update.");
    }

    private async Task<AddOnPurchase?> FindAsync(long namespaceId, string addOn, CancellationToken cancellationToken) =>
        await tables.AddOnPurchases.FindAsync(Key(namespaceId), addOn, cancellationToken: cancellationToken) is { } e ? ToPurchase(e) : null;

    /// <summary>The model's validations (GitLab: quantity at least 1, a purchase id of at most 255 characters).</summary>
    internal static void Validate(AddOnPurchase purchase)
    {
        if (purchase.Quantity < 1)
        {
            throw SubscriptionException.Validation("quantity", "must be greater than or equal to 1");
        }

        if (string.IsNullOrWhiteSpace(purchase.PurchaseXid))
        {
            throw SubscriptionException.Validation("purchase_xid", "can't be blank");
        }

        if (purchase.PurchaseXid.Length > 255)
        {
            throw SubscriptionException.Validation("purchase_xid", "is too long (maximum is 255 characters)");
        }
    }

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The row of a purchase (shared with the bulk provisioning of the internal route).</summary>
    internal static TableEntity ToEntity(AddOnPurchase p) => new(Key(p.NamespaceId), p.AddOn)
    {
        ["Quantity"] = p.Quantity,
        ["ExpiresOn"] = p.ExpiresOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["PurchaseXid"] = p.PurchaseXid,
        ["StartedOn"] = p.StartedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["Trial"] = p.Trial,
    };

    /// <summary>The purchase of a row.</summary>
    internal static AddOnPurchase ToPurchase(TableEntity e) => new(
        long.Parse(e.PartitionKey, CultureInfo.InvariantCulture),
        e.RowKey,
        e.GetInt64("Quantity") ?? 0,
        DateOnly.ParseExact(e.GetString("ExpiresOn") ?? "0001-01-01", "yyyy-MM-dd", CultureInfo.InvariantCulture),
        e.GetString("PurchaseXid") ?? "",
        e.GetString("StartedOn") is { } started ? DateOnly.ParseExact(started, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        e.GetBoolean("Trial") ?? false);
}
