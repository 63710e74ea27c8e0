using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>GET /api/v4/namespaces/:id/subscription_add_on_purchase/:add_on_name</c> (spec §5.4–5.6): the purchase, or 404.
/// As in GitLab's <c>before</c> hook, the admin token, the namespace (404) and the add-on name (404) come before
/// the parameters.
/// </summary>
[LegacyEndpoint("Deprecated by GitLab: use GET /api/v4/internal/gitlab_subscriptions/namespaces/:id/subscription_add_on_purchases/:add_on_name (same behaviour, CustomersDot JWT).")]
public sealed class GetAddOnPurchase(AddOnPurchaseService purchases, NamespaceFinder namespaces)
{
    /// <summary>The HTTP trigger; the admin token is checked before this runs.</summary>
    [Function(nameof(GetAddOnPurchase))]
    [FunctionAuth(FunctionAuth.AdminToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/namespaces/{id}/subscription_add_on_purchase/{addOnName}")] HttpRequest request,
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
            var purchase = await purchases.GetAsync(ns, addOn, cancellationToken);
            return TypedResults.Json(AdminJson.Purchase(purchase, ns.Name), AdminJsonContext.Wire.AddOnPurchaseResponse).AsAction();
        });
    }
}
