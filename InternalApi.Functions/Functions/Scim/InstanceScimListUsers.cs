using InternalApi.Core.Scim;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Scim;

/// <summary><c>GET /api/scim/v2/application/Users</c>, instance SCIM (spec §6.8–6.13): lists the scope's SCIM identities: <c>filter</c>, <c>startIndex</c>, <c>count</c>.</summary>
public sealed class InstanceScimListUsers(ScimProvisioningService scim)
{
    /// <summary>The HTTP trigger; the scope and its token are checked before this runs.</summary>
    [Function(nameof(InstanceScimListUsers))]
    [FunctionAuth(FunctionAuth.ScimInstanceToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scim/v2/application/Users")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ScimHttp.ListAsync(scim, request, cancellationToken);
}
