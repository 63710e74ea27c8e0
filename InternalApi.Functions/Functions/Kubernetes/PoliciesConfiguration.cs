using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>GET /api/v4/internal/kubernetes/modules/starboard_vulnerability/policies_configuration</c> (spec §4.8): the scan
/// schedules the agent runs — one entry per schedule rule naming the agent in an enabled policy with a cluster scan.
/// No configuration → <c>{"configurations":[]}</c>; 404 when the agent's project is gone; 402
/// <c>{"message":"Payment Required"}</c> without the security orchestration licence.
/// </summary>
public sealed class PoliciesConfiguration(SecurityPolicyService service)
{
    /// <summary>The HTTP trigger; the KAS JWT and the agent token are checked before this runs.</summary>
    [Function(nameof(PoliciesConfiguration))]
    [FunctionAuth(FunctionAuth.KasAgentToken)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/kubernetes/modules/starboard_vulnerability/policies_configuration")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await service.SchedulesAsync(request.HttpContext.Agent().Agent, cancellationToken);
        return result.Refusal is null
            ? TypedResults.Json(
                new PoliciesConfigurationResponse([.. result.Items.Select(s => new PolicyConfigurationEntry(s.Cadence, s.Namespaces, PolicyTimes.Format(s.UpdatedAt)))]),
                KasJsonContext.Wire.PoliciesConfigurationResponse).AsAction()
            : throw KasRefusals.Error(result.Refusal.Value);
    }
}
