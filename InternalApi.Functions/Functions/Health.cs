using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions;

/// <summary>Liveness body.</summary>
public sealed record HealthResponse(string Status);

/// <summary>
/// <c>GET /api/health</c>: unauthenticated liveness probe for Azure health checks and load balancers.
/// It says the process serves requests; storage health is in <c>/internal/check</c>.
/// </summary>
public sealed class Health
{
    /// <summary>Always 200.</summary>
    [Function(nameof(Health))]
    [FunctionAuth(FunctionAuth.Anonymous)]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        TypedResults.Json(new HealthResponse("ok"), DiagnosticsJsonContext.Wire.HealthResponse).AsAction();
}
