using Azure;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Standalone mode's stand-in for the Functions host's queue trigger, with the same semantics:
/// base64 bodies, batches of <c>batchSize</c>, a failed message released with <c>visibilityTimeout</c>,
/// moved unchanged to <c>&lt;queue&gt;-poison</c> once it has been dequeued <c>maxDequeueCount</c> times,
/// and back-off up to <c>maxPollingInterval</c> while a queue is empty. It is the only polling loop
/// in the app and never runs under the Functions host.
/// </summary>
public sealed partial class StandaloneQueueDispatcher(
    FunctionCatalog catalog,
    QueueStorageClient queues,
    QueueFunctionInvoker invoker,
    QueueDispatchMonitor monitor,
    IOptions<QueueProcessingOptions> options,
    TimeProvider time,
    ILogger<StandaloneQueueDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.DispatcherEnabled
            ? Task.WhenAll(catalog.QueueFunctions.Select(f => Task.Run(() => PollAsync(f, stoppingToken), stoppingToken)))
            : Task.CompletedTask;

    private async Task PollAsync(QueueFunction function, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var delay = MinPollingInterval;
        var ready = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!ready)
                {
                    await queues.CreateQueueIfNotExistsAsync(function.QueueName, stoppingToken);
                    ready = true;
                }

                var messages = await queues.ReceiveMessagesAsync(function.QueueName, settings.BatchSize, settings.LeaseDuration, stoppingToken);
                if (messages.Count > 0)
                {
                    await Task.WhenAll(messages.Select(m => ProcessAsync(function, m, settings, stoppingToken)));
                    delay = MinPollingInterval;
                    continue;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(settings.MaxPollingInterval.Ticks, MinPollingInterval.Ticks)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or IOException)
            {
                Log.PollFailed(logger, ex, function.QueueName);
                delay = settings.MaxPollingInterval > MinPollingInterval ? settings.MaxPollingInterval : MinPollingInterval;
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ProcessAsync(QueueFunction function, QueueMessage message, QueueProcessingOptions settings, CancellationToken stoppingToken)
    {
        var succeeded = false;
        try
        {
            // A body that is not valid base64 fails binding in the host too, and ends in -poison.
            var body = message.Body ?? throw new FormatException("Message text is not valid for the configured encoding (base64 expected).");
            await invoker.InvokeAsync(function, new QueueTrigger
            {
                FunctionName = function.Name,
                QueueName = function.QueueName,
                Body = body,
                MessageId = message.MessageId,
                DequeueCount = message.DequeueCount,
                InsertedOn = message.InsertedOn,
            }, invocationId: null, stoppingToken);
            succeeded = true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease expires and the message is delivered again.
            return;
        }
        catch (Exception ex) when (ex is FormatException)
        {
            Log.Undecodable(logger, ex, function.Name, message.MessageId);
        }
        catch (Exception)
        {
            // Already logged with the exception by the invoker.
        }

        try
        {
            if (succeeded)
            {
                await queues.DeleteMessageAsync(function.QueueName, message.MessageId, message.PopReceipt!, CancellationToken.None);
                monitor.Publish(new(function.Name, function.QueueName, message.MessageId, message.DequeueCount, QueueDispatchStatus.Succeeded));
                return;
            }

            var poison = QueueNames.PoisonQueueFor(function.QueueName);
            if (message.DequeueCount >= settings.MaxDequeueCount && poison is not null)
            {
                await queues.CreateQueueIfNotExistsAsync(poison, CancellationToken.None);
                // The text is copied unchanged so that a replay puts back exactly what failed.
                await queues.SendMessageTextAsync(poison, message.MessageText, cancellationToken: CancellationToken.None);
                await queues.DeleteMessageAsync(function.QueueName, message.MessageId, message.PopReceipt!, CancellationToken.None);
                Log.Poisoned(logger, function.Name, message.MessageId, message.DequeueCount, poison);
                monitor.Publish(new(function.Name, function.QueueName, message.MessageId, message.DequeueCount, QueueDispatchStatus.Poisoned));
                return;
            }

            await queues.UpdateMessageAsync(function.QueueName, message.MessageId, message.PopReceipt!, settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
            monitor.Publish(new(function.Name, function.QueueName, message.MessageId, message.DequeueCount, QueueDispatchStatus.Released));
        }
        catch (RequestFailedException ex)
        {
            // Lost the lease (receipt superseded or message gone): another attempt will follow.
            Log.SettleFailed(logger, ex, function.Name, message.MessageId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "Polling queue {Queue} failed; backing off")]
        public static partial void PollFailed(ILogger logger, Exception exception, string queue);

        [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "Queue function {Function} cannot decode message {MessageId}")]
        public static partial void Undecodable(ILogger logger, Exception exception, string function, string messageId);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Queue function {Function} gave up on message {MessageId} after {DequeueCount} attempts; moved to {PoisonQueue}")]
        public static partial void Poisoned(ILogger logger, string function, string messageId, long dequeueCount, string poisonQueue);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Queue function {Function} could not settle message {MessageId}")]
        public static partial void SettleFailed(ILogger logger, Exception exception, string function, string messageId);
    }
}
