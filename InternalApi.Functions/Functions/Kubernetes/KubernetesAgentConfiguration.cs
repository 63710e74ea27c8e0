using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>POST /api/v4/internal/kubernetes/agent_configuration</c> (KAS JWT only): KAS posts an agent's configuration
/// file whenever it changes; it is stored and the agent's <c>ci_access</c> / <c>user_access</c> authorizations are
/// refreshed from it (<see cref="AgentConfigurationService"/>). 204; unknown agent 404 <c>{"message":"404 Not found"}</c>
/// (GitLab's record-not-found answer); 400 for missing or malformed parameters. Repeating a post changes nothing more.
/// </summary>
public sealed class KubernetesAgentConfiguration(AgentConfigurationService service)
{
    /// <summary>The HTTP trigger; the KAS JWT is checked before this runs.</summary>
    [Function(nameof(KubernetesAgentConfiguration))]
    [FunctionAuth(FunctionAuth.KasJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/kubernetes/agent_configuration")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = await RequestBinder.BindAsync(request.HttpContext, KasJsonContext.Default.AgentConfigurationRequest);
        var update = AgentConfigurationBody.Read(parameters.AgentId!.Value, parameters.AgentConfig!.Value);
        return (await service.UpdateAsync(update, cancellationToken) switch
        {
            AgentConfigurationOutcome.Stored => TypedResults.NoContent(),
            AgentConfigurationOutcome.AgentNotFound => throw ApiErrorException.WithMessage(StatusCodes.Status404NotFound, "404 Not found"),
            _ => throw ApiErrorException.WithMessage(StatusCodes.Status400BadRequest, $"400 Bad request - agent_config is too large (at most {AgentConfigStore.MaxConfigBytes} bytes, and {AgentConfigurationService.MaxSettingsLength} characters per entry)"),
        }).AsAction();
    }
}
