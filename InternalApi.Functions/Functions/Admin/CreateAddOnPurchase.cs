using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>POST /api/v4/namespaces/:id/subscription_add_on_purchase/:add_on_name</c> (spec §5.4–5.6): records a purchase: <c>quantity</c>, <c>expires_on</c> and <c>purchase_xid</c> required; 201. A second one for the namespace and add-on is a 400 (use PUT).
/// As in GitLab's <c>before</c> hook, the admin token, the namespace (404) and the add-on name (404) come before
/// the parameters.
/// </summary>
[LegacyEndpoint("Deprecated by GitLab: use POST /api/v4/internal/gitlab_subscriptions/namespaces/:id/subscription_add_on_purchases (same behaviour, CustomersDot JWT).")]
public sealed class CreateAddOnPurchase(AddOnPurchaseService purchases, NamespaceFinder namespaces)
{
    /// <summary>The HTTP trigger; the admin token is checked before this runs.</summary>
    [Function(nameof(CreateAddOnPurchase))]
    [FunctionAuth(FunctionAuth.AdminToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/namespaces/{id}/subscription_add_on_purchase/{addOnName}")] HttpRequest request,
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
            var requested = SubscriptionParameters.NewPurchase(await RequestBinder.ParametersAsync(request.HttpContext), ns.Id, addOn);
            var purchase = await purchases.CreateAsync(ns, requested, cancellationToken);
            return TypedResults.Json(AdminJson.Purchase(purchase, ns.Name), AdminJsonContext.Wire.AddOnPurchaseResponse, statusCode: StatusCodes.Status201Created).AsAction();
        });
    }
}
