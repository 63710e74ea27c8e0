using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>POST /api/v4/namespaces/:id/gitlab_subscription</c> (spec §5.1): parameters first (a 400 for anyone), then
/// the admin check, the namespace (404), then the subscription; 201 with the entity.
/// </summary>
[LegacyEndpoint("Deprecated by GitLab: use POST /api/v4/internal/gitlab_subscriptions/namespaces/:id/gitlab_subscription (same behaviour, CustomersDot JWT).")]
public sealed class CreateGitlabSubscription(GitLabSubscriptionService subscriptions, NamespaceFinder namespaces)
{
    /// <summary>The HTTP trigger; the token (401, scope 403) is checked before this runs.</summary>
    [Function(nameof(CreateGitlabSubscription))]
    [FunctionAuth(FunctionAuth.PersonalToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/namespaces/{id}/gitlab_subscription")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var p = await RequestBinder.ParametersAsync(request.HttpContext);
            var changes = SubscriptionParameters.Changes(p, create: true);
            p.ThrowIfAny();
            request.HttpContext.RequireAdmin();
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            var view = await subscriptions.CreateAsync(ns, changes, cancellationToken);
            return TypedResults.Json(SubscriptionResponse.From(view), AdminJsonContext.Wire.SubscriptionResponse, statusCode: StatusCodes.Status201Created).AsAction();
        });
    }
}
