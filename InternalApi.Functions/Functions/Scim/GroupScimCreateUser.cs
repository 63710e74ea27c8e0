using InternalApi.Core.Scim;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Scim;

/// <summary><c>POST /api/scim/v2/groups/{groupPath}/Users</c>, group SCIM (spec §6.2–6.7): provisions a user (201).</summary>
public sealed class GroupScimCreateUser(ScimProvisioningService scim)
{
    /// <summary>The HTTP trigger; the scope and its token are checked before this runs.</summary>
    [Function(nameof(GroupScimCreateUser))]
    [FunctionAuth(FunctionAuth.ScimGroupToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "scim/v2/groups/{groupPath}/Users")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ScimHttp.CreateAsync(scim, request, cancellationToken);
}
