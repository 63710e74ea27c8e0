using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>PUT /api/v4/internal/gitlab_subscriptions/namespaces/:id/gitlab_subscription</c>: the deprecated PUT's rules (only
/// what is sent changes; 404 <c>404 GitlabSubscription Not Found</c> without a subscription); 200 with the entity.
/// </summary>
public sealed class UpdateInternalGitlabSubscription(GitLabSubscriptionService subscriptions, NamespaceFinder namespaces)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(UpdateInternalGitlabSubscription))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v4/internal/gitlab_subscriptions/namespaces/{id}/gitlab_subscription")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var p = await RequestBinder.ParametersAsync(request.HttpContext);
            var changes = SubscriptionParameters.Changes(p, create: false);
            p.ThrowIfAny();
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            var view = await subscriptions.UpdateAsync(ns, changes, cancellationToken);
            return TypedResults.Json(SubscriptionResponse.From(view), AdminJsonContext.Wire.SubscriptionResponse).AsAction();
        });
    }
}
