using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>POST /api/v4/internal/gitlab_subscriptions/namespaces/:id/gitlab_subscription</c>: the deprecated POST's rules
/// (parameters, then the namespace, then the one subscription per namespace); 201 with the entity.
/// </summary>
public sealed class CreateInternalGitlabSubscription(GitLabSubscriptionService subscriptions, NamespaceFinder namespaces)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(CreateInternalGitlabSubscription))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/gitlab_subscriptions/namespaces/{id}/gitlab_subscription")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var p = await RequestBinder.ParametersAsync(request.HttpContext);
            var changes = SubscriptionParameters.Changes(p, create: true);
            p.ThrowIfAny();
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            var view = await subscriptions.CreateAsync(ns, changes, cancellationToken);
            return TypedResults.Json(SubscriptionResponse.From(view), AdminJsonContext.Wire.SubscriptionResponse, statusCode: StatusCodes.Status201Created).AsAction();
        });
    }
}
