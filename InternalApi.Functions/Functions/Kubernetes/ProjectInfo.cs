using InternalApi.Core;
using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>GET /api/v4/internal/kubernetes/project_info?id=&lt;id or full path&gt;</c> (spec §4.3): the Gitaly payload
/// of a project the agent may read (<see cref="AgentProjectAccess"/>). Missing, unknown and invisible projects
/// are all 404 <c>{"message":"404 Not Found"}</c>.
/// </summary>
[LegacyEndpoint("KAS 18.2 and later no longer call it (verify_project_access checks access).")]
public sealed class ProjectInfo(AgentProjectAccess access, IOptions<GitalyOptions> gitaly)
{
    /// <summary>The HTTP trigger; the KAS JWT and the agent token are checked before this runs.</summary>
    [Function(nameof(ProjectInfo))]
    [FunctionAuth(FunctionAuth.KasAgentToken)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/kubernetes/project_info")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agent = request.HttpContext.Agent().Agent;
        // GitLab declares no type for id: an array or object finds no project there, so it is a 404 here too, not a 400.
        var id = (await RequestBinder.ParametersAsync(request.HttpContext)).Untyped("id");
        var project = await access.FindReadableAsync(agent, id, cancellationToken)
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
