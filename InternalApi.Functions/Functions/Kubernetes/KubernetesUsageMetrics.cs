using System.Text.Json;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Storage;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>POST /api/v4/internal/kubernetes/usage_metrics</c> (spec §4.4; KAS JWT only, no agent token): validates
/// the whole body before anything happens, answers 204 and hands the counts to the <c>usage-metrics</c>
/// queue. A 400 means nothing was counted.
/// </summary>
public static class KubernetesUsageMetrics
{
    /// <summary>Raw size above which unique ids are spread over several messages (queue limit 48 KiB raw).</summary>
    private const int MaxMessageBytes = 40 * 1024;

    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("KubernetesUsageMetrics", ["POST"], "v4/internal/kubernetes/usage_metrics", FunctionAuth.KasJwt, HandleAsync);

    /// <summary>Validates and enqueues.</summary>
    public static async Task<IResult> HandleAsync(HttpContext context, QueueStorageClient queues, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(time);
        var validation = UsageMetricsValidator.Validate(await RequestParameters.ReadAsync(context), time.GetUtcNow());
        if (validation.TypeErrors.Count > 0)
        {
            throw ApiErrorException.Parameters(validation.TypeErrors);
        }

        if (validation.BadRequest is { } message)
        {
            throw ApiErrorException.WithMessage(400, message);
        }

        if (validation.Message is { } work)
        {
            foreach (var part in Split(work))
            {
                await queues.SendMessageAsync(UsageMetrics.QueueName, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(part, KubernetesJsonContext.Default.UsageMetricsMessage)), cancellationToken: cancellationToken);
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
