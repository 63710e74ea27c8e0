using InternalApi.Core.Scim;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Scim;

/// <summary><c>DELETE /api/scim/v2/application/Users/:id</c>, instance SCIM (spec §6.8–6.13): deprovisions (204).</summary>
public sealed class InstanceScimDeleteUser(ScimProvisioningService scim)
{
    /// <summary>The HTTP trigger; the scope and its token are checked before this runs.</summary>
    [Function(nameof(InstanceScimDeleteUser))]
    [FunctionAuth(FunctionAuth.ScimInstanceToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "scim/v2/application/Users/{*id}")] HttpRequest request,
        string? id,
        CancellationToken cancellationToken) =>
        ScimHttp.DeleteAsync(scim, request, id, cancellationToken);
}
