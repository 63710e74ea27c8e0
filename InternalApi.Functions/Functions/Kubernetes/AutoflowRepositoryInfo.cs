using InternalApi.Core;
using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>GET /api/v4/internal/autoflow/repository_info?id=&lt;id or full path&gt;</c> (KAS JWT only, no agent): the
/// Gitaly payload of any project, for KAS's AutoFlow — the <c>project_info</c> answer without the agent's access
/// rule. <c>id</c> is required (400 <c>id is missing</c>; an array or object is <c>id is invalid</c>); an unknown
/// project is 404 <c>{"message":"404 Not Found"}</c>.
/// </summary>
public sealed class AutoflowRepositoryInfo(AgentProjectAccess projects, IOptions<GitalyOptions> gitaly)
{
    /// <summary>The HTTP trigger; the KAS JWT is checked before this runs.</summary>
    [Function(nameof(AutoflowRepositoryInfo))]
    [FunctionAuth(FunctionAuth.KasJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/autoflow/repository_info")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = await RequestBinder.BindAsync(request.HttpContext, KasJsonContext.Default.RepositoryInfoRequest);
        var project = await projects.FindAsync(parameters.Id, cancellationToken)
            ?? throw ApiErrorException.WithMessage(StatusCodes.Status404NotFound, "404 Not Found");
        return TypedResults.Json(
            new ProjectInfoResponse(
                project.Id,
                KasProjectPayload.GitalyInfo(project, gitaly.Value),
                KasProjectPayload.Repository(project),
                KasProjectPayload.DefaultBranch(project)),
            KasJsonContext.Wire.ProjectInfoResponse).AsAction();
    }
}
