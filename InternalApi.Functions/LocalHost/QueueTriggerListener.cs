using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Options;
using InternalApi.Core.Storage;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.LocalHost;

/// <summary>
/// The local host's stand-in for the Functions host's queue trigger, with its semantics: batches of
/// <c>batchSize</c>; a message stays leased (its visibility renewed) while its function runs; a failed
/// message is released with <c>visibilityTimeout</c>, and moved unchanged to <c>&lt;queue&gt;-poison</c> once it
/// has been dequeued <c>maxDequeueCount</c> times; back-off up to <c>maxPollingInterval</c> while a queue is
/// empty. It polls the queue triggers <c>functions.metadata</c> lists and nothing else, and never runs
/// under the Functions host.
/// </summary>
public sealed partial class QueueTriggerListener(
    LocalFunctions functions,
    IAzureClientFactory<QueueServiceClient> clients,
    QueueDispatchMonitor monitor,
    StorageGate storage,
    FirstResponse firstResponse,
    IOptions<QueueProcessingOptions> options,
    TimeProvider time,
    ILogger<QueueTriggerListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.DispatcherEnabled
            ? Task.WhenAll(functions.Queue.Select(f => Task.Run(() => PollAsync(f, stoppingToken), stoppingToken)))
            : Task.CompletedTask;

    private async Task PollAsync(LocalFunction function, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var delay = MinPollingInterval;
        var ready = false;
        QueueClient queue;
        try
        {
            // Functions write to tables: wait for their creation, which runs while the host starts. Then let the
            // first HTTP request go first (FirstResponse says why), but never wait longer than StartDelay.
            await storage.Ready.WaitAsync(stoppingToken);
            if (settings.StartDelay > TimeSpan.Zero)
            {
                await Task.WhenAny(firstResponse.Answered, Task.Delay(settings.StartDelay, time, stoppingToken));
                stoppingToken.ThrowIfCancellationRequested();
            }

            // Only now: building the queue client (and loading its assembly) is no work for the start's critical path.
            queue = clients.CreateClient(Hosting.StorageConnection.RawQueues).GetQueueClient(function.QueueName);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!ready)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                    ready = true;
                }

                // Taken before the call: the lease surely ends no earlier than this plus its duration.
                var leasedAt = time.GetUtcNow();
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(settings.BatchSize, settings.LeaseDuration, stoppingToken);
                if (messages.Length > 0)
                {
                    await Task.WhenAll(messages.Select(m => ProcessAsync(function, queue, m, new Lease(m.PopReceipt, leasedAt + settings.LeaseDuration), settings, stoppingToken)));
                    delay = MinPollingInterval;
                    continue;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(settings.MaxPollingInterval.Ticks, MinPollingInterval.Ticks)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or IOException or AggregateException || StorageFaults.IsUnavailable(ex, stoppingToken))
            {
                // Storage down (or a settle that could not reach it): keep polling, slowly. Messages received and
                // not deleted come back once their lease runs out, so nothing is lost.
                Log.PollFailed(logger, function.QueueName, ex.GetType().Name, ex.GetBaseException().Message);
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

    private async Task ProcessAsync(LocalFunction function, QueueClient queue, QueueMessage message, Lease lease, QueueProcessingOptions settings, CancellationToken stoppingToken)
    {
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewAsync(queue, message.MessageId, lease, settings.LeaseDuration, renewing.Token);
        var succeeded = false;
        using var scope = InvocationScope.Queue(logger, function.Name, Guid.NewGuid().ToString(), message.MessageId, message.DequeueCount);
        try
        {
            await function.InvokeQueueAsync(Decode(message, settings), stoppingToken);
            succeeded = true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease expires and the message is delivered again.
            return;
        }
        catch (Exception ex) when (StorageFaults.IsUnavailable(ex, stoppingToken))
        {
            // Not the function's fault: the message is released (or its lease runs out) and tried again.
            scope.Failed(ex);
            Log.StorageUnavailable(logger, function.Name, message.MessageId, message.DequeueCount, ex.GetType().Name, ex.GetBaseException().Message);
        }
        catch (Exception ex)
        {
            scope.Failed(ex);
            Log.Failed(logger, ex, function.Name, message.MessageId, message.DequeueCount);
        }
        finally
        {
            await renewing.CancelAsync();
            await renewal;
        }

        try
        {
            if (succeeded)
            {
                await queue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, CancellationToken.None);
                monitor.Publish(new(function.Name, function.QueueName, message.MessageId, message.DequeueCount, QueueDispatchStatus.Succeeded));
                return;
            }

            if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                var poison = clients.CreateClient(Hosting.StorageConnection.RawQueues).GetQueueClient(function.QueueName + "-poison");
                await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
                // The text is copied unchanged so that a replay puts back exactly what failed.
                await poison.SendMessageAsync(message.Body.ToString(), cancellationToken: CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, CancellationToken.None);
                Log.Poisoned(logger, function.Name, message.MessageId, message.DequeueCount, poison.Name);
                monitor.Publish(new(function.Name, function.QueueName, message.MessageId, message.DequeueCount, QueueDispatchStatus.Poisoned));
                return;
            }

            await queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
            monitor.Publish(new(function.Name, function.QueueName, message.MessageId, message.DequeueCount, QueueDispatchStatus.Released));
        }
        catch (Exception ex) when (ex is RequestFailedException || StorageFaults.IsUnavailable(ex, stoppingToken))
        {
            // Lost the lease, or storage went away (the lease then runs out) (receipt superseded or message gone): another attempt will follow.
            Log.SettleFailed(logger, ex, function.Name, message.MessageId);
        }
    }

    /// <summary>
    /// The message as the trigger binds it: with base64 encoding (the default) the body is the decoded text;
    /// text that is not base64 fails binding, as it does in the host, and so is retried and then poisoned.
    /// </summary>
    private static QueueMessage Decode(QueueMessage raw, QueueProcessingOptions settings)
    {
        var body = raw.Body;
        if (settings.MessageEncoding == QueueMessageEncoding.Base64)
        {
            var text = raw.Body?.ToString() ?? "";
            var buffer = new byte[text.Length];
            body = Convert.TryFromBase64String(text, buffer, out var written)
                ? BinaryData.FromBytes(buffer.AsMemory(0, written))
                : throw new InvalidDataException($"Message {raw.MessageId} is not valid base64, as the queue trigger expects.");
        }

        return QueuesModelFactory.QueueMessage(raw.MessageId, raw.PopReceipt, body, raw.DequeueCount, raw.NextVisibleOn, raw.InsertedOn, raw.ExpiresOn);
    }

    /// <summary>
    /// Keeps a running message invisible, as the host does: renewed at half the lease, and a renewal that fails
    /// for want of storage is tried again, sooner, until the lease has run out. Only a refusal (the message is
    /// gone or its receipt superseded) ends renewal early; either way the function carries on, and a lost lease
    /// only means the message is delivered again.
    /// </summary>
    private async Task RenewAsync(QueueClient queue, string messageId, Lease lease, TimeSpan duration, CancellationToken cancellationToken)
    {
        var half = TimeSpan.FromTicks(Math.Max(duration.Ticks / 2, TimeSpan.FromMilliseconds(200).Ticks));
        var due = lease.Until - duration + half;
        try
        {
            while (true)
            {
                var wait = due - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    // Every message ends its renewal this way: a plain await would throw (and catch) once per message.
                    await Task.Delay(wait, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }
                }

                var sent = time.GetUtcNow();
                if (sent >= lease.Until)
                {
                    var over = sent - lease.Until;
                    Log.LeaseExpired(logger, queue.Name, messageId, over.TotalMilliseconds);
                    return;
                }

                try
                {
                    // An attempt that outlives the lease is pointless; the SDK's own retries stay within it.
                    using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    attempt.CancelAfter(lease.Until - sent);
                    var receipt = await queue.UpdateMessageAsync(messageId, lease.PopReceipt, visibilityTimeout: duration, cancellationToken: attempt.Token);
                    lease.PopReceipt = receipt.Value.PopReceipt;
                    lease.Until = sent + duration;
                    var late = sent - due;
                    var took = time.GetUtcNow() - sent;
                    Log.Renewed(logger, queue.Name, messageId, late.TotalMilliseconds, took.TotalMilliseconds);
                    due = sent + half;
                }
                catch (RequestFailedException ex) when (ex.Status is 400 or 404)
                {
                    Log.LeaseLost(logger, queue.Name, messageId, ex.Status, ex.ErrorCode);
                    return;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is RequestFailedException or OperationCanceledException || StorageFaults.IsUnavailable(ex, cancellationToken)))
                {
                    // Storage slow or away for a moment: try again at a quarter of what is left of the lease.
                    var left = lease.Until - time.GetUtcNow();
                    var leftMs = Math.Max(0, left.TotalMilliseconds);
                    var kind = ex.GetType().Name;
                    Log.RenewalRetried(logger, queue.Name, messageId, kind, leftMs);
                    due = time.GetUtcNow() + TimeSpan.FromTicks(Math.Max(left.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The function finished.
        }
    }

    /// <summary>The receipt that settles a message, and the time its lease surely lasts until.</summary>
    private sealed class Lease(string popReceipt, DateTimeOffset until)
    {
        public string PopReceipt { get; set; } = popReceipt;

        public DateTimeOffset Until { get; set; } = until;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "Queue function {Function} failed on message {MessageId} (attempt {DequeueCount})")]
        public static partial void Failed(ILogger logger, Exception exception, string function, string messageId, long dequeueCount);

        [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "Polling queue {Queue} failed ({ExceptionType}: {Reason}); backing off")]
        public static partial void PollFailed(ILogger logger, string queue, string exceptionType, string reason);

        [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Queue function {Function} could not reach storage on message {MessageId} (attempt {DequeueCount}: {ExceptionType}: {Reason}); it will be delivered again")]
        public static partial void StorageUnavailable(ILogger logger, string function, string messageId, long dequeueCount, string exceptionType, string reason);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Queue function {Function} gave up on message {MessageId} after {DequeueCount} attempts; moved to {PoisonQueue}")]
        public static partial void Poisoned(ILogger logger, string function, string messageId, long dequeueCount, string poisonQueue);

        [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "Renewed the lease on message {MessageId} of {Queue} ({LateMs} ms after it was due, took {TookMs} ms)")]
        public static partial void Renewed(ILogger logger, string queue, string messageId, double lateMs, double tookMs);

        [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Renewing the lease on message {MessageId} of {Queue} failed ({ExceptionType}); trying again with {LeftMs} ms of the lease left")]
        public static partial void RenewalRetried(ILogger logger, string queue, string messageId, string exceptionType, double leftMs);

        [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "The lease on message {MessageId} of {Queue} ran out {OverMs} ms before it could be renewed; the message will be delivered again")]
        public static partial void LeaseExpired(ILogger logger, string queue, string messageId, double overMs);

        [LoggerMessage(EventId = 2108, Level = LogLevel.Warning, Message = "The lease on message {MessageId} of {Queue} was lost ({Status} {ErrorCode}); the message will be delivered again")]
        public static partial void LeaseLost(ILogger logger, string queue, string messageId, int status, string? errorCode);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Queue function {Function} could not settle message {MessageId}")]
        public static partial void SettleFailed(ILogger logger, Exception exception, string function, string messageId);
    }
}
