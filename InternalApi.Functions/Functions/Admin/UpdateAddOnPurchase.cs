using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>PUT /api/v4/namespaces/:id/subscription_add_on_purchase/:add_on_name</c> (spec §5.4–5.6): changes a purchase: <c>expires_on</c> required, <c>quantity</c> and <c>purchase_xid</c> optional; a missing purchase is a 400 (use POST).
/// As in GitLab's <c>before</c> hook, the admin token, the namespace (404) and the add-on name (404) come before
/// the parameters.
/// </summary>
[LegacyEndpoint("Deprecated by GitLab: use POST /api/v4/internal/gitlab_subscriptions/namespaces/:id/subscription_add_on_purchases (same behaviour, CustomersDot JWT).")]
public sealed class UpdateAddOnPurchase(AddOnPurchaseService purchases, NamespaceFinder namespaces)
{
    /// <summary>The HTTP trigger; the admin token is checked before this runs.</summary>
    [Function(nameof(UpdateAddOnPurchase))]
    [FunctionAuth(FunctionAuth.AdminToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v4/namespaces/{id}/subscription_add_on_purchase/{addOnName}")] HttpRequest request,
        string id,
        string addOnName,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            var addOn = Uri.UnescapeDataString(addOnName ?? "");
            AddOnPurchaseService.RequireAddOn(addOn);
            var changes = SubscriptionParameters.PurchaseChanges(await RequestBinder.ParametersAsync(request.HttpContext));
            var purchase = await purchases.UpdateAsync(ns, addOn, changes, cancellationToken);
            return TypedResults.Json(AdminJson.Purchase(purchase, ns.Name), AdminJsonContext.Wire.AddOnPurchaseResponse).AsAction();
        });
    }
}
