using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// Queue <c>usage-metrics</c>: adds a call's counts to the totals and its ids to the per-day sets, exactly
/// once per queue message (its id is stable across redeliveries). Undecodable messages fail every time
/// and end in <c>usage-metrics-poison</c>.
/// </summary>
public static class UsageMetrics
{
    /// <summary>The queue.</summary>
    public const string QueueName = "usage-metrics";

    /// <summary>Declaration.</summary>
    public static QueueFunction Function { get; } = new("UsageMetrics", QueueName, "AzureWebJobsStorage", HandleAsync);

    /// <summary>Decodes and applies the message.</summary>
    public static async Task HandleAsync(QueueTrigger trigger, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(services);
        await services.GetRequiredService<UsageMetricsProcessor>().ApplyAsync(trigger.MessageId, trigger.ReadJson(KubernetesJsonContext.Default.UsageMetricsMessage), cancellationToken);
    }
}
