using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>DELETE /api/v4/internal/upcoming_reconciliations?namespace_id=</c> (spec §5.13): same gates as the PUT; 204,
/// or 404 <c>404 Not Found</c> when the namespace has none.
/// </summary>
[LegacyEndpoint("Deprecated by GitLab: use DELETE /api/v4/internal/gitlab_subscriptions/namespaces/:namespace_id/upcoming_reconciliations (same behaviour, CustomersDot JWT).")]
public sealed class DeleteUpcomingReconciliation(UpcomingReconciliationService reconciliations)
{
    /// <summary>The HTTP trigger; the gate and the admin token are checked before this runs.</summary>
    [Function(nameof(DeleteUpcomingReconciliation))]
    [FunctionAuth(FunctionAuth.GitLabComAdminToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v4/internal/upcoming_reconciliations")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var p = await RequestBinder.ParametersAsync(request.HttpContext);
            var id = SubscriptionParameters.NamespaceId(p);
            p.ThrowIfAny();
            await reconciliations.DeleteAsync(id!.Value, cancellationToken);
            return TypedResults.NoContent().AsAction();
        });
    }
}
