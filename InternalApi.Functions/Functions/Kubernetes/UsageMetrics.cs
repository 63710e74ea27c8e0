using Azure.Storage.Queues.Models;
using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// Queue <c>usage-metrics</c>: adds a call's counts to the totals and its ids to the per-day sets, exactly
/// once per queue message (its id is stable across redeliveries). Undecodable messages fail every time
/// and end in <c>usage-metrics-poison</c>.
/// </summary>
public sealed class UsageMetrics(UsageMetricsProcessor processor)
{
    /// <summary>The queue.</summary>
    public const string QueueName = UsageMetricsProcessor.QueueName;

    /// <summary>Decodes and applies the message.</summary>
    [Function(nameof(UsageMetrics))]
    public Task RunAsync([QueueTrigger(QueueName, Connection = StorageConnection.Name)] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return processor.ApplyAsync(message.MessageId, QueueMessages.ReadJson(message, QueueName, KubernetesJsonContext.Default.UsageMetricsMessage), cancellationToken);
    }
}
