using Azure.Storage.Queues.Models;
using InternalApi.Core.Health;
using InternalApi.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions;

/// <summary>A diagnostic message: <c>{"id":"..."}</c>.</summary>
public sealed record PingMessage(string Id);

/// <summary>
/// Queue <c>ping</c>: a no-op that proves the queue path end to end. A message that is not a ping object
/// fails, which is how the retry and poison path is exercised.
/// </summary>
public sealed partial class Ping(ILogger<Ping> logger)
{
    /// <summary>The queue it listens on.</summary>
    public const string QueueName = DiagnosticQueues.Ping;

    /// <summary>Parses the message and logs it.</summary>
    [Function(nameof(Ping))]
    public void Run([QueueTrigger(QueueName, Connection = StorageConnection.Name)] QueueMessage message)
    {
        var ping = QueueMessages.ReadJson(message, QueueName, DiagnosticsJsonContext.Default.PingMessage);
        if (string.IsNullOrEmpty(ping.Id))
        {
            throw new InvalidDataException("A ping message needs an id.");
        }

        Log.Pinged(logger, ping.Id, message.DequeueCount);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Ping {PingId} received (attempt {DequeueCount})")]
        public static partial void Pinged(ILogger logger, string pingId, long dequeueCount);
    }
}
