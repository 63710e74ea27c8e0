using Microsoft.Extensions.Options;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>POST /api/v4/namespaces/:id/storage/limit_exclusion</c> (spec §5.8), in GitLab's order: <c>reason</c> (400),
/// admin (403), GitLab.com (403), namespace (404), top-level and not yet excluded (400); 201 with the exclusion.
/// </summary>
public sealed class CreateStorageLimitExclusion(StorageExclusionService exclusions, NamespaceFinder namespaces, IOptions<SubscriptionOptions> options)
{
    /// <summary>The HTTP trigger; the token (401, scope 403) is checked before this runs.</summary>
    [Function(nameof(CreateStorageLimitExclusion))]
    [FunctionAuth(FunctionAuth.PersonalToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/namespaces/{id}/storage/limit_exclusion")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var p = await RequestBinder.ParametersAsync(request.HttpContext);
            var reason = p.Text("reason", required: true);
            p.ThrowIfAny();
            StorageExclusionGate.Check(request.HttpContext, options.Value);
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            var exclusion = await exclusions.CreateAsync(ns, reason!, cancellationToken);
            return TypedResults.Json(StorageExclusionGate.Wire(exclusion), AdminJsonContext.Wire.StorageExclusionResponse, statusCode: StatusCodes.Status201Created).AsAction();
        });
    }
}
