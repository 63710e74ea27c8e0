using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Storage;

/// <summary>
/// Creates the app's tables and queues before the app serves
/// anything, so that no request meets a missing table. Bounded in time: under the Functions host the
/// app must be listening within 30 seconds.
/// Creating them is once-per-deployment work: afterwards a marker row (table <c>&lt;prefix&gt;StorageSchema</c>,
/// keyed by a hash of every table and queue name) says they exist, and a start costs that one point read
/// instead of one request per table and queue. A new table or queue changes the hash, so the next start
/// creates them again. Deleting a table by hand while its marker stays is not noticed (delete the marker too).
/// </summary>
public sealed partial class StorageInitializer(IEnumerable<ITableSet> tableSets, IEnumerable<IQueueSet> queueSets, TableServiceClient tableService, QueueServiceClient queues, IOptions<StorageOptions> options, ILogger<StorageInitializer> logger)
{
    private const string MarkerPartition = "tables-and-queues";
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    /// <summary>Creates what is missing (nothing when the marker is there); logs (and carries on) when storage does not answer in time.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (!options.Value.InitializeOnStart)
        {
            return;
        }

        try
        {
            var (marker, key) = Marker();
            if (!await IsMarkedAsync(marker, key, cancellationToken))
            {
                await CreateAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The server still starts: /internal/check then reports redis:false instead of the host seeing a crash.
            Log.Failed(logger, ex);
        }
    }

    /// <summary>Creates every table and queue, throwing when storage does not answer (for commands that must fail); then writes the marker.</summary>
    public async Task CreateAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        var (marker, key) = Marker();
        await Task.WhenAll(
            Task.WhenAll(Tables().Append(marker).Select(t => t.CreateIfNotExistsAsync(timeout.Token))),
            Task.WhenAll(QueueNames().Select(q => queues.GetQueueClient(q).CreateIfNotExistsAsync(cancellationToken: timeout.Token))));
        await marker.UpsertEntityAsync(new TableEntity(MarkerPartition, key) { ["CreatedAt"] = DateTimeOffset.UtcNow }, TableUpdateMode.Replace, timeout.Token);
    }

    private IEnumerable<TableClient> Tables() => tableSets.SelectMany(t => t.All).DistinctBy(t => t.Name, StringComparer.OrdinalIgnoreCase);

    private IEnumerable<string> QueueNames() => queueSets.SelectMany(q => q.Names).Distinct(StringComparer.Ordinal);

    /// <summary>The marker table and the row key that stands for exactly this build's tables and queues.</summary>
    private (TableClient Table, string Key) Marker()
    {
        var names = string.Join('\n', Tables().Select(t => "table:" + t.Name.ToLowerInvariant()).Concat(QueueNames().Select(q => "queue:" + q)).Order(StringComparer.Ordinal));
        return (tableService.GetTableClient(options.Value.TablePrefix + "StorageSchema"), Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(names)))[..32]);
    }

    private static async Task<bool> IsMarkedAsync(TableClient marker, string key, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        try
        {
            return (await marker.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, key, ["PartitionKey"], timeout.Token)).HasValue;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No marker table yet: a first start.
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "Could not create tables and queues at start; requests will fail until storage answers")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
