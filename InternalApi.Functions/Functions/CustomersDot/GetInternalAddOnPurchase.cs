using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>GET /api/v4/internal/gitlab_subscriptions/namespaces/:id/subscription_add_on_purchases/:add_on_name</c>: the
/// purchase with <c>started_on</c> and <c>trial</c>; 404 for an unknown namespace, add-on or purchase, as the
/// deprecated route answers them.
/// </summary>
public sealed class GetInternalAddOnPurchase(AddOnPurchaseService purchases, NamespaceFinder namespaces)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(GetInternalAddOnPurchase))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/gitlab_subscriptions/namespaces/{id}/subscription_add_on_purchases/{addOnName}")] HttpRequest request,
        string id,
        string addOnName,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            AddOnPurchaseService.RequireAddOn(addOnName);
            var purchase = await purchases.GetAsync(ns, addOnName, cancellationToken);
            return TypedResults.Json(CustomersDotJson.Purchase(purchase, ns.Name), CustomersDotJsonContext.Wire.InternalAddOnPurchaseResponse).AsAction();
        });
    }
}
