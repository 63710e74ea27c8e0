using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>GET /api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_execution_policies</c> (spec §4.7, newest
/// doc only): the scan execution policies of the agent's project that concern the agent, each with its YAML and the
/// configuration's last update. No configuration → <c>{"policies":[]}</c>; 404 when the agent's project is gone;
/// 402 <c>{"message":"Payment Required"}</c> without the security orchestration licence (mirroring §4.8).
/// </summary>
[LegacyEndpoint("Gone from the newest GitLab EE; KAS reads policies_configuration.")]
public sealed class ScanExecutionPolicies(SecurityPolicyService service)
{
    /// <summary>The HTTP trigger; the KAS JWT and the agent token are checked before this runs.</summary>
    [Function(nameof(ScanExecutionPolicies))]
    [FunctionAuth(FunctionAuth.KasAgentToken)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/kubernetes/modules/starboard_vulnerability/scan_execution_policies")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await service.ScanExecutionPoliciesAsync(request.HttpContext.Agent().Agent, cancellationToken);
        if (result.Refusal is { } refusal)
        {
            throw KasRefusals.Error(refusal);
        }

        var updatedAt = PolicyTimes.Format(result.UpdatedAt);
        return TypedResults.Json(
            new ScanExecutionPoliciesResponse([.. result.Items.Select(p => new ScanExecutionPolicyEntry(p.Name, p.Description, p.Enabled, PolicyYaml.Write(p), updatedAt))]),
            KasJsonContext.Wire.ScanExecutionPoliciesResponse).AsAction();
    }
}
