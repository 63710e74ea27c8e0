using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InternalApi.Functions.Functions;

/// <summary>Liveness body.</summary>
public sealed record HealthResponse(string Status);

/// <summary>
/// <c>GET /api/health</c>: unauthenticated liveness probe for Azure health checks and load balancers.
/// It says the process serves requests; storage health is in <c>/internal/check</c>.
/// </summary>
public static class Health
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("Health", ["GET"], "health", FunctionAuth.Anonymous, Handle);

    /// <summary>Always 200.</summary>
    public static Ok<HealthResponse> Handle() => TypedResults.Ok(new HealthResponse("ok"));
}
