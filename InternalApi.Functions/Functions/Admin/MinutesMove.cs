using Azure.Storage.Queues.Models;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// Queue <c>minutes-move</c>: carries out an accepted move of compute minute packs. Idempotent: each pack is
/// copied to the target before it leaves the source, so a redelivered (or half-done) move ends the same way.
/// </summary>
public sealed partial class MinutesMove(MinutePackService packs, ILogger<MinutesMove> logger)
{
    /// <summary>The queue.</summary>
    public const string QueueName = MinutePackService.MoveQueueName;

    /// <summary>Decodes and applies the message.</summary>
    [Function(nameof(MinutesMove))]
    public async Task RunAsync([QueueTrigger(QueueName, Connection = StorageConnection.Name)] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var move = QueueMessages.ReadJson(message, QueueName, AdminJsonContext.Default.MinutesMoveMessage);
        var moved = await packs.MoveAsync(move, cancellationToken);
        Log.Moved(logger, moved, move.SourceId, move.TargetId, message.DequeueCount);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Moved {Count} compute minute packs from namespace {Source} to {Target} (delivery {DequeueCount})")]
        public static partial void Moved(ILogger logger, int count, long source, long target, long dequeueCount);
    }
}
