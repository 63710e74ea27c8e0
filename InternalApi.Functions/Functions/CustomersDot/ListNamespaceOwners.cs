using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>GET /api/v4/internal/gitlab_subscriptions/namespaces/:id/owners</c>: the group's direct Owners, whom CustomersDot
/// tells about billing, paged as GitLab pages (<c>page</c>, <c>per_page</c> and the paging headers). Groups only: any
/// other id is 404 <c>404 Group Namespace Not Found</c>.
/// </summary>
public sealed class ListNamespaceOwners(NamespaceFinder namespaces, UserStore users, MembershipStore members)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(ListNamespaceOwners))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/gitlab_subscriptions/namespaces/{id}/owners")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            if (await namespaces.FindAsync(id, cancellationToken) is not { Kind: NamespaceKind.Group } group)
            {
                throw SubscriptionException.NotFound("Group Namespace");
            }

            var paging = OffsetPagination.Parse(await RequestBinder.ParametersAsync(request.HttpContext));
            var ids = (await members.GetMemberIdsAtLevelAsync(MemberSource.Group, group.Id, AccessLevel.Owner, cancellationToken)).Order().ToList();
            var page = ids.Skip((paging.Page - 1) * paging.PerPage).Take(paging.PerPage);
            var owners = await Task.WhenAll(page.Select(u => users.GetUserAsync(u, cancellationToken)));
            OffsetPagination.AddHeaders(request, paging, ids.Count);
            IReadOnlyList<OwnerResponse> body = [.. owners.OfType<User>().Select(u => new OwnerResponse(new SafeUser(u.Id, u.Username, u.Name), (int)AccessLevel.Owner, u.Email))];
            return TypedResults.Json(body, CustomersDotJsonContext.Wire.IReadOnlyListOwnerResponse).AsAction();
        });
    }
}
