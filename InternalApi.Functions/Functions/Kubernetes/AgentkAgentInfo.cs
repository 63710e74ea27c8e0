using InternalApi.Core;
using InternalApi.Core.Data;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>GET /api/v4/internal/agents/agentk/agent_info</c>: how KAS 18.x and later authenticate an agentk (GitLab MR
/// 195148), the same answer as the older <c>kubernetes/agent_info</c>. Takes no parameters.
/// </summary>
public sealed class AgentkAgentInfo(ProjectStore projects, IOptions<GitalyOptions> gitaly)
{
    /// <summary>The HTTP trigger; the KAS JWT and the agent token are checked before this runs.</summary>
    [Function(nameof(AgentkAgentInfo))]
    [FunctionAuth(FunctionAuth.KasAgentToken)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/agents/agentk/agent_info")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TypedResults.Json(await AgentInfo.AnswerAsync(projects, gitaly.Value, request.HttpContext.Agent().Agent, cancellationToken), KasJsonContext.Wire.AgentInfoResponse).AsAction();
    }
}
