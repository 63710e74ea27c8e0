using InternalApi.Core.Scim;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Scim;

/// <summary><c>GET /api/scim/v2/groups/{groupPath}/Users/:id</c>, group SCIM (spec §6.2–6.7): one identity by external UID.</summary>
public sealed class GroupScimGetUser(ScimProvisioningService scim)
{
    /// <summary>The HTTP trigger; the scope and its token are checked before this runs.</summary>
    [Function(nameof(GroupScimGetUser))]
    [FunctionAuth(FunctionAuth.ScimGroupToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scim/v2/groups/{groupPath}/Users/{*id}")] HttpRequest request,
        string? id,
        CancellationToken cancellationToken) =>
        ScimHttp.GetAsync(scim, request, id, cancellationToken);
}
