using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>GET /api/v4/internal/gitlab_subscriptions/namespaces/:id/gitlab_subscription</c>: the subscription entity, as the
/// deprecated <c>GET /namespaces/:id/gitlab_subscription</c> answers it (every leaf null without a subscription).
/// </summary>
public sealed class GetInternalGitlabSubscription(GitLabSubscriptionService subscriptions, NamespaceFinder namespaces)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(GetInternalGitlabSubscription))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/gitlab_subscriptions/namespaces/{id}/gitlab_subscription")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            var view = await subscriptions.ReadAsync(ns, cancellationToken);
            return TypedResults.Json(SubscriptionResponse.From(view), AdminJsonContext.Wire.SubscriptionResponse).AsAction();
        });
    }
}
