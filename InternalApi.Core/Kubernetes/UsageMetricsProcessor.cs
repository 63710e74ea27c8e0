using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// Applies a usage-metrics message exactly once. For each counter the day's total and a marker for the
/// queue message id are written in ONE entity group transaction: the marker insert fails (409) when the
/// message was already applied — a redelivery is then skipped — and the total's ETag condition fails
/// (412) when another worker got there first — then we re-read and retry. Unique ids are upserts, which
/// are idempotent by nature.
/// </summary>
public sealed class UsageMetricsProcessor(UsageMetricsTables names)
{
    /// <summary>The queue the <c>usage_metrics</c> endpoint sends each validated call to, and the worker reads.</summary>
    public const string QueueName = "usage-metrics";

    private const int MaxAttempts = 200;

    /// <summary>Applies the message; safe to call again with the same id.</summary>
    public async Task ApplyAsync(string messageId, UsageMetricsMessage message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentNullException.ThrowIfNull(message);
        var day = Day(message.ReceivedAt);
        foreach (var (name, increment) in message.Counters.Where(c => c.Value > 0))
        {
            await AddOnceAsync(CounterPartition(name, day), messageId, increment, cancellationToken);
        }

        foreach (var (name, ids) in message.UniqueCounters)
        {
            var partition = UniquePartition(name, day);
            foreach (var chunk in ids.Distinct().Chunk(100))
            {
                await names.UsageMetrics.SubmitTransactionAsync(
                    chunk.Select(id => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, IdKey(id)))),
                    cancellationToken);
            }
        }
    }

    private async Task AddOnceAsync(string partition, string messageId, long increment, CancellationToken cancellationToken)
    {
        var marker = new TableEntity(partition, "msg:" + TableKey.Encode(messageId));
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var total = await names.UsageMetrics.FindAsync(partition, "total", cancellationToken: cancellationToken);
            var next = new TableEntity(partition, "total") { ["Value"] = (total?.GetInt64("Value") ?? 0) + increment };
            var write = total is null
                ? new TableTransactionAction(TableTransactionActionType.Add, next)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, total.ETag);
            try
            {
                await names.UsageMetrics.SubmitTransactionAsync([new(TableTransactionActionType.Add, marker), write], cancellationToken);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex == 0 && ex.Status == 409)
            {
                // The marker exists: this message was applied before (redelivery). Nothing to do.
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                // The service did not say which action failed: the marker decides.
                if (ex.FailedTransactionActionIndex is null && await names.UsageMetrics.FindAsync(partition, marker.RowKey, ["RowKey"], cancellationToken) is not null)
                {
                    return;
                }

                // The total moved (or was created) meanwhile: read it again. Under heavy contention on one
                // day's total, back off a little (jittered) so the workers stop colliding in lockstep.
                if (attempt >= 3)
                {
                    await Task.Delay(Random.Shared.Next(1, 4 * Math.Min(attempt, 25)), cancellationToken);
                }
            }
        }

        throw new RequestFailedException(409, $"Usage metrics total {partition} kept conflicting.");
    }

    internal static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string CounterPartition(string name, string day) => $"c|{name}|{day}";

    internal static string UniquePartition(string name, string day) => $"u|{name}|{day}";

    internal static string IdKey(long id) => id.ToString("D20", CultureInfo.InvariantCulture).Replace('-', '~');
}
