using Azure.Storage.Queues.Models;
using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// Queue <c>agent-events</c>: adds a call's events to the usage metrics (<see cref="AgentEventsProcessor"/>), exactly
/// once per queue message (its id is stable across redeliveries). Undecodable messages fail every time and end in
/// <c>agent-events-poison</c>.
/// </summary>
public sealed class AgentEvents(AgentEventsProcessor processor)
{
    /// <summary>The queue.</summary>
    public const string QueueName = AgentEventsProcessor.QueueName;

    /// <summary>Decodes and applies the message.</summary>
    [Function(nameof(AgentEvents))]
    public Task RunAsync([QueueTrigger(QueueName, Connection = StorageConnection.Name)] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return processor.ApplyAsync(message.MessageId, QueueMessages.ReadJson(message, QueueName, KubernetesJsonContext.Default.AgentEventsMessage), cancellationToken);
    }
}
