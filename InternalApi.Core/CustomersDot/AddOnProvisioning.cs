using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using InternalApi.Core.Subscriptions;

namespace InternalApi.Core.CustomersDot;

/// <summary>One purchase of the bulk request, as sent (null: not sent).</summary>
/// <param name="StartedOn">When it takes effect (required).</param>
/// <param name="ExpiresOn">When it ends (required).</param>
/// <param name="Quantity">Seats; below 1 (or none) asks to deprovision.</param>
/// <param name="PurchaseXid">CustomersDot's purchase id.</param>
/// <param name="Trial">A trial.</param>
public sealed record AddOnPurchaseOrder(DateOnly StartedOn, DateOnly ExpiresOn, long? Quantity, string? PurchaseXid, bool? Trial);

/// <summary>
/// <c>POST /internal/gitlab_subscriptions/namespaces/:id/subscription_add_on_purchases</c>: creates, updates or
/// deprovisions a namespace's add-on purchases, as GitLab's GitLab.com provision service does. Per add-on only the
/// first purchase of its list counts; Duo Pro is skipped when Duo Enterprise is bought in the same request; Duo Pro
/// and Duo Enterprise share one purchase (buying the other switches it); a quantity above 0 creates or updates; a
/// quantity below 1 deprovisions (takes the dates sent) a purchase of that same add-on, and is ignored otherwise.
/// </summary>
public sealed class AddOnProvisioning(SubscriptionTables tables)
{
    /// <summary>The names the bulk route takes, each with the add-on it provisions (Duo Pro is GitLab's <c>code_suggestions</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Products = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["duo_pro"] = "code_suggestions",
        ["duo_enterprise"] = "duo_enterprise",
        ["product_analytics"] = "product_analytics",
    };

    private static readonly string[] DuoAddOns = ["code_suggestions", "duo_enterprise"];

    private const int MaxRetries = 20;

    /// <summary>
    /// Applies the orders (product name → its list) and answers the purchases written, in request order. A validation
    /// failure of one product stops before it is written; products before it stay written, as in GitLab, where each
    /// is its own transaction.
    /// </summary>
    public async Task<IReadOnlyList<AddOnPurchase>> ProvisionAsync(GitLabNamespace ns, IReadOnlyList<(string Product, IReadOnlyList<AddOnPurchaseOrder> Orders)> products, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(products);
        var enterpriseBought = products.Any(p => p.Product == "duo_enterprise" && p.Orders.Count > 0 && p.Orders[0].Quantity > 0);
        var written = new List<AddOnPurchase>();
        foreach (var (product, orders) in products)
        {
            if (orders.Count == 0 || (product == "duo_pro" && enterpriseBought))
            {
                continue;
            }

            if (await ApplyAsync(ns, Products[product], orders[0], cancellationToken) is { } purchase)
            {
                written.Add(purchase);
            }
        }

        return written;
    }

    private async Task<AddOnPurchase?> ApplyAsync(GitLabNamespace ns, string addOn, AddOnPurchaseOrder order, CancellationToken cancellationToken)
    {
        var partition = ns.Id.ToString(CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            // Duo Pro and Duo Enterprise are one seat purchase in GitLab: look for either.
            var candidates = DuoAddOns.Contains(addOn) ? DuoAddOns : [addOn];
            TableEntity? existing = null;
            foreach (var name in candidates)
            {
                existing ??= await tables.AddOnPurchases.FindAsync(partition, name, cancellationToken: cancellationToken);
            }

            var current = existing is null ? null : AddOnPurchaseService.ToPurchase(existing);
            var provision = order.Quantity > 0;
            if (current is null && !provision)
            {
                return null;
            }

            if (current is not null && !provision && current.AddOn != addOn)
            {
                // Deprovisioning another Duo add-on than the one bought: nothing to do.
                return null;
            }

            var next = new AddOnPurchase(
                ns.Id,
                addOn,
                order.Quantity ?? current?.Quantity ?? 0,
                order.ExpiresOn,
                order.PurchaseXid ?? current?.PurchaseXid ?? "",
                order.StartedOn,
                order.Trial ?? current?.Trial ?? false);
            if (provision)
            {
                AddOnPurchaseService.Validate(next);
            }

            try
            {
                if (current is null)
                {
                    await tables.AddOnPurchases.AddEntityAsync(AddOnPurchaseService.ToEntity(next), cancellationToken);
                }
                else if (current.AddOn == addOn)
                {
                    await tables.AddOnPurchases.UpdateEntityAsync(AddOnPurchaseService.ToEntity(next), existing!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    // Switching Duo Pro ↔ Duo Enterprise: the old row goes and the new one comes in one transaction.
                    await tables.AddOnPurchases.SubmitTransactionAsync(
                        [
                            new TableTransactionAction(TableTransactionActionType.Delete, existing!, existing!.ETag),
                            new TableTransactionAction(TableTransactionActionType.Add, AddOnPurchaseService.ToEntity(next)),
                        ],
                        cancellationToken);
                }

                return next;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == 404)
            {
                // Someone else wrote first: read again.
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
            {
                // Same, inside the switch.
            }
        }

        throw new InvalidOperationException("The add-on purchase kept changing under the provisioning.");
    }
}
