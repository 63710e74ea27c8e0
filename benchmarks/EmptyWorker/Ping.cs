using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EmptyWorker;

/// <summary>The one trivial HTTP function.</summary>
public static class Ping
{
    /// <summary>200 with a small JSON body.</summary>
    [Function(nameof(Ping))]
    public static IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/check")] HttpRequest request) =>
        new OkObjectResult(new { api_version = "v4" });
}
