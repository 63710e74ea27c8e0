using Microsoft.Extensions.Options;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>DELETE /api/v4/namespaces/:id/storage/limit_exclusion</c> (spec §5.9): admin, GitLab.com, namespace (404),
/// top-level, excluded (400 <c>not excluded</c>); 204.
/// </summary>
public sealed class DeleteStorageLimitExclusion(StorageExclusionService exclusions, NamespaceFinder namespaces, IOptions<SubscriptionOptions> options)
{
    /// <summary>The HTTP trigger; the token (401, scope 403) is checked before this runs.</summary>
    [Function(nameof(DeleteStorageLimitExclusion))]
    [FunctionAuth(FunctionAuth.PersonalToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v4/namespaces/{id}/storage/limit_exclusion")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            StorageExclusionGate.Check(request.HttpContext, options.Value);
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            await exclusions.DeleteAsync(ns, cancellationToken);
            return TypedResults.NoContent().AsAction();
        });
    }
}
