using InternalApi.Core;
using InternalApi.Core.Health;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions;

/// <summary>Answer of <c>/internal/check</c>.</summary>
public sealed record CheckResponse(string ApiVersion, string GitlabVersion, string GitlabRev, bool Redis);

/// <summary>
/// <c>GET /api/v4/internal/check</c> (spec §3.5): gitlab-shell's <c>check</c> and Gitaly's health check.
/// <c>redis</c> reports whether our shared state store (Table storage) answers; it is never an error status.
/// </summary>
public sealed class Check(StoreHealth health, IOptions<GitLabOptions> gitlab)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(Check))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/check")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(cancellationToken)).AsAction();
    }

    /// <summary>Always 200 once authenticated.</summary>
    private async Task<JsonHttpResult<CheckResponse>> HandleAsync(CancellationToken cancellationToken)
    {
        var available = await health.IsAvailableAsync(cancellationToken);
        return TypedResults.Json(new CheckResponse("v4", gitlab.Value.Version, gitlab.Value.Revision, available), DiagnosticsJsonContext.Wire.CheckResponse);
    }
}
