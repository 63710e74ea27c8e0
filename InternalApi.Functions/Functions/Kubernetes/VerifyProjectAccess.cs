using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>GET /api/v4/internal/kubernetes/verify_project_access?id=&lt;id or full path&gt;</c>: whether the agent may see
/// a project (KAS asks before it forwards a Flux notification), by the rule of <c>project_info</c>
/// (<see cref="AgentProjectAccess"/>). 204 with no body, else 404 <c>{"message":"404 Not Found"}</c>.
/// </summary>
public sealed class VerifyProjectAccess(AgentProjectAccess access)
{
    /// <summary>The HTTP trigger; the KAS JWT and the agent token are checked before this runs.</summary>
    [Function(nameof(VerifyProjectAccess))]
    [FunctionAuth(FunctionAuth.KasAgentToken)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/kubernetes/verify_project_access")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var agent = request.HttpContext.Agent().Agent;
        var parameters = await RequestBinder.BindAsync(request.HttpContext, KasJsonContext.Default.KasProjectRequest);
        _ = await access.FindReadableAsync(agent, parameters.Id, cancellationToken)
            ?? throw ApiErrorException.WithMessage(StatusCodes.Status404NotFound, "404 Not Found");
        return TypedResults.NoContent().AsAction();
    }
}
