using InternalApi.Core.CustomersDot;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>POST /api/v4/internal/gitlab_subscriptions/namespaces/:id/subscription_add_on_purchases</c>: creates, updates or
/// deprovisions the namespace's add-on purchases from <c>add_on_purchases</c> (<c>duo_pro</c>, <c>duo_enterprise</c>,
/// <c>product_analytics</c>: lists of <c>started_on</c>, <c>expires_on</c>, <c>quantity</c>, <c>purchase_xid</c>,
/// <c>trial</c>); 201 with the purchases written (an empty list when there was nothing to do).
/// </summary>
public sealed class ProvisionAddOnPurchases(AddOnProvisioning provisioning, NamespaceFinder namespaces)
{
    private const string Root = "add_on_purchases";

    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(ProvisionAddOnPurchases))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/gitlab_subscriptions/namespaces/{id}/subscription_add_on_purchases")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            // GitLab finds the namespace in a before hook, ahead of the parameters.
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            var products = Parse(await RequestBinder.ParametersAsync(request.HttpContext));
            var written = await provisioning.ProvisionAsync(ns, products, cancellationToken);
            IReadOnlyList<InternalAddOnPurchaseResponse> body = [.. written.Select(p => CustomersDotJson.Purchase(p, ns.Name))];
            return TypedResults.Json(body, CustomersDotJsonContext.Wire.IReadOnlyListInternalAddOnPurchaseResponse, statusCode: StatusCodes.Status201Created).AsAction();
        });
    }

    private static List<(string Product, IReadOnlyList<AddOnPurchaseOrder> Orders)> Parse(GrapeParameters parameters)
    {
        var products = new List<(string, IReadOnlyList<AddOnPurchaseOrder>)>();
        var p = parameters.Hash(Root, required: true);
        parameters.ThrowIfAny();
        foreach (var product in AddOnProvisioning.Products.Keys)
        {
            var orders = p!.Objects(product, required: false, o =>
            {
                var started = o.Date("started_on", required: true);
                var expires = o.Date("expires_on", required: true);
                var quantity = o.WholeNumber("quantity");
                if (quantity < 0)
                {
                    o.Report("quantity", "Must be a non-negative integer if provided");
                }

                return (started, expires, quantity, Xid: o.Text("purchase_xid"), Trial: o.Boolean("trial"));
            });
            if (orders is not null)
            {
                products.Add((product, [.. orders.Where(o => o.started is not null && o.expires is not null).Select(o => new AddOnPurchaseOrder(o.started!.Value, o.expires!.Value, o.quantity, o.Xid, o.Trial))]));
            }
        }

        p!.ThrowIfAny();
        return products;
    }
}
