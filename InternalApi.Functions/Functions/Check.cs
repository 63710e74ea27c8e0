using InternalApi.Core.Health;
using InternalApi.Functions.Hosting;
using InternalApi.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions;

/// <summary>Answer of <c>/internal/check</c>.</summary>
public sealed record CheckResponse(string ApiVersion, string GitlabVersion, string GitlabRev, bool Redis);

/// <summary>
/// <c>GET /api/v4/internal/check</c> (spec §3.5): gitlab-shell's <c>check</c> and Gitaly's health check.
/// <c>redis</c> reports whether our shared state store (Table storage) answers; it is never an error status.
/// </summary>
public static class Check
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("Check", ["GET"], "v4/internal/check", FunctionAuth.ShellJwt, HandleAsync);

    /// <summary>Always 200 once authenticated.</summary>
    public static async Task<Ok<CheckResponse>> HandleAsync(StoreHealth health, IOptions<GitLabOptions> gitlab, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(gitlab);
        var available = await health.IsAvailableAsync(cancellationToken);
        return TypedResults.Ok(new CheckResponse("v4", gitlab.Value.Version, gitlab.Value.Revision, available));
    }
}
