using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>PUT /api/v4/namespaces/:id/gitlab_subscription</c> (spec §5.2): only the parameters sent change; 404
/// <c>404 GitlabSubscription Not Found</c> when the namespace has none.
/// </summary>
[LegacyEndpoint("Deprecated by GitLab: use PUT /api/v4/internal/gitlab_subscriptions/namespaces/:id/gitlab_subscription (same behaviour, CustomersDot JWT).")]
public sealed class UpdateGitlabSubscription(GitLabSubscriptionService subscriptions, NamespaceFinder namespaces)
{
    /// <summary>The HTTP trigger; the token (401, scope 403) is checked before this runs.</summary>
    [Function(nameof(UpdateGitlabSubscription))]
    [FunctionAuth(FunctionAuth.PersonalToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v4/namespaces/{id}/gitlab_subscription")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var p = await RequestBinder.ParametersAsync(request.HttpContext);
            var changes = SubscriptionParameters.Changes(p, create: false);
            p.ThrowIfAny();
            request.HttpContext.RequireAdmin();
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            var view = await subscriptions.UpdateAsync(ns, changes, cancellationToken);
            return TypedResults.Json(SubscriptionResponse.From(view), AdminJsonContext.Wire.SubscriptionResponse).AsAction();
        });
    }
}
