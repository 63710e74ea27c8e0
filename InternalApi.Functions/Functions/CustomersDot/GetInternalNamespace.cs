using InternalApi.Core;
using InternalApi.Core.CustomersDot;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>GET /api/v4/internal/gitlab_subscriptions/namespaces/:id</c>: the namespace with its billing facts (id or
/// URL-encoded path; 404 <c>404 Namespace Not Found</c>).
/// </summary>
public sealed class GetInternalNamespace(NamespaceFinder namespaces, GitLabSubscriptionService subscriptions, NamespaceLimitsService limits, BillableMembers members, IOptions<GitLabOptions> settings)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(GetInternalNamespace))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/gitlab_subscriptions/namespaces/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            var entity = await InternalNamespaceEntity.BuildAsync(ns, subscriptions, limits, members, settings.Value, cancellationToken);
            return TypedResults.Json(entity, CustomersDotJsonContext.Wire.InternalNamespaceResponse).AsAction();
        });
    }
}
