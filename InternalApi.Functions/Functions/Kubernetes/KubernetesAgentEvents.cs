using System.Text.Json;
using Azure.Storage.Queues;
using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>POST /api/v4/internal/kubernetes/agent_events</c> (KAS JWT only): validates the whole body (Grape's types:
/// ids are integers, versions strings, lists arrays of objects), answers 204 and hands the events to the
/// <c>agent-events</c> queue, whose worker (<see cref="AgentEvents"/>) adds them to the usage metrics exactly once.
/// A 400 means nothing was queued; a body with no events queues nothing.
/// </summary>
public sealed class KubernetesAgentEvents(QueueServiceClient queues, TimeProvider time)
{
    private readonly QueueClient _queue = queues.GetQueueClient(AgentEventsProcessor.QueueName);

    /// <summary>The HTTP trigger; the KAS JWT is checked before this runs.</summary>
    [Function(nameof(KubernetesAgentEvents))]
    [FunctionAuth(FunctionAuth.KasJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/kubernetes/agent_events")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = await RequestBinder.BindAsync(request.HttpContext, KasJsonContext.Default.AgentEventsRequest);
        var message = ToMessage(parameters.Events, time.GetUtcNow());
        if (message.UserEvents.Count > 0 || message.Registrations.Length > 0)
        {
            // A send that fails answers 5xx before anything was counted; KAS's retry sends it again.
            await _queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, KubernetesJsonContext.Default.AgentEventsMessage)), cancellationToken: cancellationToken);
        }

        return TypedResults.NoContent().AsAction();
    }

    private static AgentEventsMessage ToMessage(AgentEventsParameters? events, DateTimeOffset receivedAt)
    {
        var users = new Dictionary<string, AgentUserEvent[]>(StringComparer.Ordinal);
        foreach (var (name, list) in new[]
        {
            (AgentEventNames.UserEvents[0], events?.ViaCiAccess),
            (AgentEventNames.UserEvents[1], events?.ViaUserAccess),
            (AgentEventNames.UserEvents[2], events?.ViaPatAccess),
        })
        {
            if (list?.OfType<AgentUserEventParameters>().Select(e => new AgentUserEvent(e.UserId, e.ProjectId)).ToArray() is { Length: > 0 } parsed)
            {
                users[name] = parsed;
            }
        }

        var registrations = (events?.RegisterAgentAtKas ?? []).OfType<AgentRegistrationParameters>().Select(r => new AgentRegistration(
            r.ProjectId, r.AgentId, r.AgentVersion, r.Architecture, r.KubernetesVersion, r.ExtraTelemetryData?.InstallationMethod, r.ExtraTelemetryData?.HelmChartVersion)).ToArray();
        return new AgentEventsMessage { UserEvents = users, Registrations = registrations, ReceivedAt = receivedAt };
    }
}
