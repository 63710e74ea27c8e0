using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>Queue <c>usage-metrics</c>: adds KAS usage counters to totals and unique sets.</summary>
public static class UsageMetrics
{
    /// <summary>The queue.</summary>
    public const string QueueName = "usage-metrics";

    /// <summary>Declaration.</summary>
    public static QueueFunction Function { get; } = new("UsageMetrics", QueueName, "AzureWebJobsStorage", HandleAsync);

    /// <summary>Not written yet.</summary>
    public static Task HandleAsync(QueueTrigger trigger, IServiceProvider services, CancellationToken cancellationToken) =>
        throw new NotSupportedException("UsageMetrics is not implemented yet.");
}
