using InternalApi.Core.Scim;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Scim;

/// <summary><c>GET /api/scim/v2/groups/{groupPath}/Users</c>, group SCIM (spec §6.2–6.7): lists the scope's SCIM identities: <c>filter</c>, <c>startIndex</c>, <c>count</c>.</summary>
public sealed class GroupScimListUsers(ScimProvisioningService scim)
{
    /// <summary>The HTTP trigger; the scope and its token are checked before this runs.</summary>
    [Function(nameof(GroupScimListUsers))]
    [FunctionAuth(FunctionAuth.ScimGroupToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scim/v2/groups/{groupPath}/Users")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ScimHttp.ListAsync(scim, request, cancellationToken);
}
