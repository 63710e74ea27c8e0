using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>POST /api/v4/internal/kubernetes/modules/cilium_alert</c> — legacy (spec §4.9): only older KAS versions with
/// the Cilium network-policy integration call it; GitLab removed both around 15.0. <c>alert</c> (an object, the
/// generic alert format with Hubble's <c>flow</c>) becomes an alert of the agent's project, deduplicated by
/// fingerprint (<see cref="CiliumAlertService"/>). 200 with GitLab's body, the status itself (<c>200</c>); 400
/// <c>{"error":"alert is missing"}</c> / <c>alert is invalid</c> (the older doc's double-encoded string example is
/// one); 404 when the agent's project is gone; 403 without the <c>cilium_alerts</c> licence.
/// </summary>
[LegacyEndpoint("GitLab removed the Cilium integration (~15.0); no current KAS sends alerts.")]
public sealed class CiliumAlert(CiliumAlertService service)
{
    /// <summary>The HTTP trigger; the KAS JWT and the agent token are checked before this runs.</summary>
    [Function(nameof(CiliumAlert))]
    [FunctionAuth(FunctionAuth.KasAgentToken)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/kubernetes/modules/cilium_alert")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agent = request.HttpContext.Agent().Agent;
        var p = await RequestBinder.ParametersAsync(request.HttpContext);
        var alert = p.RawHash("alert", required: true);
        p.ThrowIfAny();

        var result = await service.RaiseAsync(agent, CiliumAlertPayload.Read(alert!), cancellationToken);
        return result.Refusal is null
            ? TypedResults.Json(StatusCodes.Status200OK, KasJsonContext.Wire.Int32).AsAction()
            : throw KasRefusals.Error(result.Refusal.Value);
    }
}
