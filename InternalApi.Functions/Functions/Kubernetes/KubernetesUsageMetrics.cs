using System.Text.Json;
using Azure.Storage.Queues;
using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>POST /api/v4/internal/kubernetes/usage_metrics</c> (spec §4.4; KAS JWT only, no agent token): validates
/// the whole body before anything happens, answers 204 and hands the counts to the <c>usage-metrics</c>
/// queue. A 400 means nothing was counted.
/// </summary>
public sealed class KubernetesUsageMetrics(QueueServiceClient queues, TimeProvider time)
{
    /// <summary>Raw size above which unique ids are spread over several messages (queue limit 48 KiB raw).</summary>
    private const int MaxMessageBytes = 40 * 1024;

    private readonly QueueClient _queue = queues.GetQueueClient(UsageMetrics.QueueName);


    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(KubernetesUsageMetrics))]
    [FunctionAuth(FunctionAuth.KasJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/kubernetes/usage_metrics")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>Validates and enqueues.</summary>
    private async Task<IResult> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (UsageMetricsValidator.Validate(await RequestBinder.ParametersAsync(context), time.GetUtcNow()) is { } work)
        {
            foreach (var part in Split(work))
            {
                await _queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(part, KubernetesJsonContext.Default.UsageMetricsMessage)), cancellationToken: cancellationToken);
            }
        }

        return TypedResults.NoContent();
    }

    /// <summary>
    /// Large id lists go in several messages, the counters in the LAST one: if sending fails part-way the
    /// caller sees a 5xx and KAS retries the whole call, which re-sends only id sets (upserts, idempotent)
    /// and never counters that were already queued.
    /// </summary>
    private static IEnumerable<UsageMetricsMessage> Split(UsageMetricsMessage message)
    {
        if (JsonSerializer.SerializeToUtf8Bytes(message, KubernetesJsonContext.Default.UsageMetricsMessage).Length <= MaxMessageBytes)
        {
            yield return message;
            yield break;
        }

        foreach (var (name, ids) in message.UniqueCounters)
        {
            foreach (var chunk in ids.Chunk(2000))
            {
                yield return new UsageMetricsMessage { ReceivedAt = message.ReceivedAt, UniqueCounters = new() { [name] = chunk } };
            }
        }

        if (message.Counters.Count > 0)
        {
            yield return message with { UniqueCounters = [] };
        }
    }
}
