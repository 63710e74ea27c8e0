using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>DELETE /api/v4/internal/gitlab_subscriptions/namespaces/:namespace_id/upcoming_reconciliations</c>: 204, or 404
/// <c>404 Not Found</c> when the namespace has none. GitLab.com only.
/// </summary>
public sealed class DeleteNamespaceUpcomingReconciliation(UpcomingReconciliationService reconciliations, IOptions<SubscriptionOptions> options)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(DeleteNamespaceUpcomingReconciliation))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v4/internal/gitlab_subscriptions/namespaces/{namespaceId}/upcoming_reconciliations")] HttpRequest request,
        string namespaceId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            InternalReconciliationGate.Check(options.Value);
            var p = await RequestBinder.ParametersAsync(request.HttpContext, ("namespace_id", namespaceId));
            var id = SubscriptionParameters.NamespaceId(p);
            p.ThrowIfAny();
            await reconciliations.DeleteAsync(id!.Value, cancellationToken);
            return TypedResults.NoContent().AsAction();
        });
    }
}
