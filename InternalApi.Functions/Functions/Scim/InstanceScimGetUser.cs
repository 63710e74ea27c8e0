using InternalApi.Core.Scim;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Scim;

/// <summary><c>GET /api/scim/v2/application/Users/:id</c>, instance SCIM (spec §6.8–6.13): one identity by external UID.</summary>
public sealed class InstanceScimGetUser(ScimProvisioningService scim)
{
    /// <summary>The HTTP trigger; the scope and its token are checked before this runs.</summary>
    [Function(nameof(InstanceScimGetUser))]
    [FunctionAuth(FunctionAuth.ScimInstanceToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scim/v2/application/Users/{*id}")] HttpRequest request,
        string? id,
        CancellationToken cancellationToken) =>
        ScimHttp.GetAsync(scim, request, id, cancellationToken);
}
