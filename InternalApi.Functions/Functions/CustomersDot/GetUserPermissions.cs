using System.Globalization;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>GET /api/v4/internal/gitlab_subscriptions/namespaces/:namespace_id/user_permissions/:user_id</c>:
/// <c>{"edit_billing": …}</c>, true for whoever may manage the namespace's billing (an Owner of the group or of a
/// parent group, a personal namespace's user). 404 <c>404 Namespace Not Found</c>, then <c>404 User Not Found</c>.
/// </summary>
public sealed class GetUserPermissions(NamespaceFinder namespaces, UserStore users, EffectiveAccess effectiveAccess)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(GetUserPermissions))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/gitlab_subscriptions/namespaces/{namespaceId}/user_permissions/{userId}")] HttpRequest request,
        string namespaceId,
        string userId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var ns = await namespaces.RequireAsync(namespaceId, cancellationToken);

            // GitLab's User.find_by_id: anything that is not an id finds nobody.
            var user = long.TryParse(userId, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? await users.GetUserAsync(uid, cancellationToken) : null;
            if (user is null)
            {
                throw SubscriptionException.NotFound("User");
            }

            var owner = await effectiveAccess.GetNamespaceAccessLevelAsync(user.Id, ns.Id, cancellationToken) >= AccessLevel.Owner;
            return TypedResults.Json(new UserPermissionsResponse(owner), CustomersDotJsonContext.Wire.UserPermissionsResponse).AsAction();
        });
    }
}
