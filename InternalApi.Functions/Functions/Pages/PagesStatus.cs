using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Pages;

/// <summary><c>GET /api/v4/internal/pages/status</c>: 204 when the Pages API is on and the daemon's JWT is valid (its start-up check).</summary>
public sealed class PagesStatus
{
    /// <summary>Always 204 once the Pages JWT passed.</summary>
    [Function(nameof(PagesStatus))]
    [FunctionAuth(FunctionAuth.PagesJwt)]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/pages/status")] HttpRequest request) =>
        TypedResults.NoContent().AsAction();
}
