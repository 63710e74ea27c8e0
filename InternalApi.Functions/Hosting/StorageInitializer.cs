using Azure.Storage.Queues;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Creates the app's tables and queues before the app serves
/// anything, so that no request meets a missing table. Bounded in time: under the Functions host the
/// app must be listening within 30 seconds.
/// </summary>
public sealed partial class StorageInitializer(IEnumerable<ITableSet> tableSets, IEnumerable<IQueueSet> queueSets, QueueServiceClient queues, IOptions<StorageOptions> options, ILogger<StorageInitializer> logger)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    /// <summary>Creates what is missing; logs (and carries on) when storage does not answer in time.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (!options.Value.InitializeOnStart)
        {
            return;
        }

        try
        {
            await CreateAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The server still starts: /internal/check then reports redis:false instead of the host seeing a crash.
            Log.Failed(logger, ex);
        }
    }

    /// <summary>Creates every table and queue, throwing when storage does not answer (for commands that must fail).</summary>
    public async Task CreateAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        var tables = tableSets.SelectMany(t => t.All).DistinctBy(t => t.Name, StringComparer.OrdinalIgnoreCase);
        var queueNames = queueSets.SelectMany(q => q.Names).Distinct(StringComparer.Ordinal);
        await Task.WhenAll(
            Task.WhenAll(tables.Select(t => t.CreateIfNotExistsAsync(timeout.Token))),
            Task.WhenAll(queueNames.Select(q => queues.GetQueueClient(q).CreateIfNotExistsAsync(cancellationToken: timeout.Token))));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "Could not create tables and queues at start; requests will fail until storage answers")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
