using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace EmptyWorker;

/// <summary>The one trivial HTTP function.</summary>
public static class Ping
{
    /// <summary>Set to 1 to stop where the worker would connect to the host.</summary>
    public const string ProbeVariable = "INTERNALAPI_STARTUP_PROBE";

    /// <summary>What the probe prints.</summary>
    public const string ProbeLine = "startup-probe: ready";

    /// <summary>200 with a small JSON body.</summary>
    [Function(nameof(Ping))]
    public static IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/check")] HttpRequest request) =>
        new OkObjectResult(new { api_version = "v4" });
}
