using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>GET /api/v4/namespaces/:id/gitlab_subscription</c> (spec §5.3): not admin-only: an administrator or whoever
/// may administer the namespace (a group's Owner, a personal namespace's user) reads it; anyone else 403.
/// </summary>
[LegacyEndpoint("Deprecated by GitLab: use GET /api/v4/internal/gitlab_subscriptions/namespaces/:id/gitlab_subscription (same behaviour, CustomersDot JWT).")]
public sealed class GetGitlabSubscription(GitLabSubscriptionService subscriptions, NamespaceFinder namespaces, EffectiveAccess effectiveAccess)
{
    /// <summary>The HTTP trigger; the token (401, scope 403) is checked before this runs.</summary>
    [Function(nameof(GetGitlabSubscription))]
    [FunctionAuth(FunctionAuth.PersonalToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/namespaces/{id}/gitlab_subscription")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var caller = request.HttpContext.Caller();
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            if (!caller.User.Admin && await effectiveAccess.GetNamespaceAccessLevelAsync(caller.User.Id, ns.Id, cancellationToken) < AccessLevel.Owner)
            {
                throw ApiErrorException.WithMessage(StatusCodes.Status403Forbidden, "403 Forbidden");
            }

            var view = await subscriptions.ReadAsync(ns, cancellationToken);
            return TypedResults.Json(SubscriptionResponse.From(view), AdminJsonContext.Wire.SubscriptionResponse).AsAction();
        });
    }
}
