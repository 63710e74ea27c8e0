using InternalApi.Core;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>GET /api/v4/internal/kubernetes/agent_info</c> (spec §4.2): who the agent is and where its configuration
/// project's repository lives, so that KAS can fetch <c>.gitlab/agents/&lt;name&gt;/config.yaml</c>.
/// Takes no parameters. Legacy: KAS 18.x and later call <c>agents/agentk/agent_info</c> (<see cref="AgentkAgentInfo"/>).
/// </summary>
[LegacyEndpoint("KAS 18.x and later call GET /api/v4/internal/agents/agentk/agent_info.")]
public sealed class AgentInfo(ProjectStore projects, IOptions<GitalyOptions> gitaly)
{
    /// <summary>The HTTP trigger; the KAS JWT and the agent token are checked before this runs.</summary>
    [Function(nameof(AgentInfo))]
    [FunctionAuth(FunctionAuth.KasAgentToken)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/kubernetes/agent_info")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TypedResults.Json(await AnswerAsync(projects, gitaly.Value, request.HttpContext.Agent().Agent, cancellationToken), KasJsonContext.Wire.AgentInfoResponse).AsAction();
    }

    /// <summary>The answer of both <c>agent_info</c> routes: one point read of the agent's project.</summary>
    internal static async Task<AgentInfoResponse> AnswerAsync(ProjectStore projects, GitalyOptions gitaly, ClusterAgent agent, CancellationToken cancellationToken)
    {
        // Agents belong to their project; a project deleted under an agent leaves nothing to serve.
        var project = await projects.GetProjectAsync(agent.ProjectId, cancellationToken)
            ?? throw ApiErrorException.WithMessage(StatusCodes.Status404NotFound, "404 Not Found");
        return new AgentInfoResponse(
            project.Id,
            agent.Id,
            agent.Name,
            KasProjectPayload.GitalyInfo(project, gitaly),
            KasProjectPayload.Repository(project),
            KasProjectPayload.DefaultBranch(project));
    }
}
