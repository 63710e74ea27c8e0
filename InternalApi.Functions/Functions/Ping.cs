using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions;

/// <summary>A diagnostic message: <c>{"id":"..."}</c>.</summary>
public sealed record PingMessage(string Id);

/// <summary>
/// Queue <c>ping</c>: a no-op that proves the queue path end to end (host invocation and standalone
/// dispatcher). A message that is not a ping object fails, which is how the poison path is exercised.
/// </summary>
public static partial class Ping
{
    /// <summary>The queue it listens on.</summary>
    public const string QueueName = "ping";

    /// <summary>Declaration.</summary>
    public static QueueFunction Function { get; } = new("Ping", QueueName, "AzureWebJobsStorage", HandleAsync);

    /// <summary>Parses the message and logs it.</summary>
    public static Task HandleAsync(QueueTrigger trigger, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(services);
        var message = trigger.ReadJson(WireJsonContext.Default.PingMessage);
        if (string.IsNullOrEmpty(message.Id))
        {
            throw new InvalidDataException("A ping message needs an id.");
        }

        var logger = services.GetRequiredService<ILogger<PingMessage>>();
        Log.Pinged(logger, message.Id, trigger.DequeueCount);
        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "Ping {PingId} received (attempt {DequeueCount})")]
        public static partial void Pinged(ILogger logger, string pingId, long dequeueCount);
    }
}
