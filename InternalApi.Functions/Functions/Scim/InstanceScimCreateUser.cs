using InternalApi.Core.Scim;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Scim;

/// <summary><c>POST /api/scim/v2/application/Users</c>, instance SCIM (spec §6.8–6.13): provisions a user (201).</summary>
public sealed class InstanceScimCreateUser(ScimProvisioningService scim)
{
    /// <summary>The HTTP trigger; the scope and its token are checked before this runs.</summary>
    [Function(nameof(InstanceScimCreateUser))]
    [FunctionAuth(FunctionAuth.ScimInstanceToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "scim/v2/application/Users")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ScimHttp.CreateAsync(scim, request, cancellationToken);
}
