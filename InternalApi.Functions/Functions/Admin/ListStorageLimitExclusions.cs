using Microsoft.Extensions.Options;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>GET /api/v4/namespaces/storage/limit_exclusions</c> (spec §5.7): admin, GitLab.com, then one page in id order
/// with GitLab's offset pagination headers (<see cref="OffsetPagination"/>).
/// </summary>
public sealed class ListStorageLimitExclusions(StorageExclusionService exclusions, IOptions<SubscriptionOptions> options)
{
    /// <summary>The HTTP trigger; the token (401, scope 403) is checked before this runs.</summary>
    [Function(nameof(ListStorageLimitExclusions))]
    [FunctionAuth(FunctionAuth.PersonalToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/namespaces/storage/limit_exclusions")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var paging = OffsetPagination.Parse(await RequestBinder.ParametersAsync(request.HttpContext));
            StorageExclusionGate.Check(request.HttpContext, options.Value);
            var page = await exclusions.ListAsync(paging.Page, paging.PerPage, cancellationToken);
            OffsetPagination.AddHeaders(request, paging, page.Total);
            IReadOnlyList<StorageExclusionResponse> body = [.. page.Items.Select(StorageExclusionGate.Wire)];
            return TypedResults.Json(body, AdminJsonContext.Wire.IReadOnlyListStorageExclusionResponse).AsAction();
        });
    }
}
