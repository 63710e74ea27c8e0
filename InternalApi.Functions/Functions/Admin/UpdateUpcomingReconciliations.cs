using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>PUT /api/v4/internal/upcoming_reconciliations</c> (spec §5.12): GitLab.com only (403 before the token), admin
/// token, then the array; upserts one row per namespace and answers 200 with the body <c>200</c>, as GitLab does.
/// </summary>
[LegacyEndpoint("Deprecated by GitLab: use PUT /api/v4/internal/gitlab_subscriptions/namespaces/:namespace_id/upcoming_reconciliations (same behaviour, CustomersDot JWT).")]
public sealed class UpdateUpcomingReconciliations(UpcomingReconciliationService reconciliations)
{
    /// <summary>The HTTP trigger; the gate and the admin token are checked before this runs.</summary>
    [Function(nameof(UpdateUpcomingReconciliations))]
    [FunctionAuth(FunctionAuth.GitLabComAdminToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v4/internal/upcoming_reconciliations")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var items = SubscriptionParameters.Reconciliations(await RequestBinder.ParametersAsync(request.HttpContext));
            await reconciliations.UpsertAsync(items, cancellationToken);
            return TypedResults.Json(StatusCodes.Status200OK, AdminJsonContext.Wire.Int32).AsAction();
        });
    }
}
