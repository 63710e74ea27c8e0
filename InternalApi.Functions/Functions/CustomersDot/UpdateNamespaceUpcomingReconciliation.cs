using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>PUT /api/v4/internal/gitlab_subscriptions/namespaces/:namespace_id/upcoming_reconciliations</c>: one namespace's
/// <c>next_reconciliation_date</c> and <c>display_alert_from</c> (both required dates), upserted by the service behind
/// the deprecated bulk PUT; 200 with the body <c>200</c>. GitLab.com only.
/// </summary>
public sealed class UpdateNamespaceUpcomingReconciliation(UpcomingReconciliationService reconciliations, IOptions<SubscriptionOptions> options)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(UpdateNamespaceUpcomingReconciliation))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v4/internal/gitlab_subscriptions/namespaces/{namespaceId}/upcoming_reconciliations")] HttpRequest request,
        string namespaceId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            InternalReconciliationGate.Check(options.Value);
            var p = await RequestBinder.ParametersAsync(request.HttpContext, ("namespace_id", namespaceId));
            var id = p.WholeNumber("namespace_id", required: true);
            var next = p.Date("next_reconciliation_date", required: true);
            var alert = p.Date("display_alert_from", required: true);
            p.ThrowIfAny();

            // An unknown namespace: GitLab's service error rendered with status 500; here the deprecated route's 400,
            // since nothing failed but the request (see docs/customersdot.md).
            await reconciliations.UpsertAsync([new UpcomingReconciliation(id!.Value, next!.Value, alert!.Value)], cancellationToken);
            return TypedResults.Json(StatusCodes.Status200OK, AdminJsonContext.Wire.Int32).AsAction();
        });
    }
}
