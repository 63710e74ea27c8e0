using InternalApi.Core.Scim;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Scim;

/// <summary><c>PATCH /api/scim/v2/groups/{groupPath}/Users/:id</c>, group SCIM (spec §6.2–6.7): applies <c>Operations</c> (204).</summary>
public sealed class GroupScimUpdateUser(ScimProvisioningService scim)
{
    /// <summary>The HTTP trigger; the scope and its token are checked before this runs.</summary>
    [Function(nameof(GroupScimUpdateUser))]
    [FunctionAuth(FunctionAuth.ScimGroupToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "scim/v2/groups/{groupPath}/Users/{*id}")] HttpRequest request,
        string? id,
        CancellationToken cancellationToken) =>
        ScimHttp.PatchAsync(scim, request, id, cancellationToken);
}
