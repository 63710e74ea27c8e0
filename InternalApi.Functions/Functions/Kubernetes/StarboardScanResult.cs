using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>POST /api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_result</c> (spec §4.6): a scan of the
/// agent's cluster finished with these finding UUIDs; every other detected finding this agent reported in its
/// project is resolved. 200 with GitLab's body, the status itself (<c>200</c>), which clients ignore.
/// </summary>
public sealed class StarboardScanResult(StarboardVulnerabilityService service)
{
    /// <summary>The HTTP trigger; the KAS JWT and the agent token are checked before this runs.</summary>
    [Function(nameof(StarboardScanResult))]
    [FunctionAuth(FunctionAuth.KasAgentToken)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/kubernetes/modules/starboard_vulnerability/scan_result")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agent = request.HttpContext.Agent();
        var uuids = StarboardRequest.ReadUuids(await RequestBinder.ParametersAsync(request.HttpContext));

        // Resolving is idempotent, so a 5xx part-way (retried by KAS) leaves nothing half-done that a retry would not finish.
        var result = await service.ResolveAsync(agent, uuids, cancellationToken);
        return result.Refusal is null
            ? TypedResults.Json(StatusCodes.Status200OK, KasJsonContext.Wire.Int32).AsAction()
            : throw KasRefusals.Error(result.Refusal.Value, result.Message);
    }
}
