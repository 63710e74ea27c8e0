using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using InternalApi.LocalHost.FunctionApp;
using InternalApi.LocalHost.Http;
using InternalApi.LocalHost.Rpc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.LocalHost.Queues;

/// <summary>
/// The local host's stand-in for the Functions host's queue trigger, with its semantics: batches of
/// <c>batchSize</c>; a message stays leased (its visibility renewed) while its function runs; a failed
/// message is released with <c>visibilityTimeout</c>, and moved unchanged to <c>&lt;queue&gt;-poison</c> once it
/// has been dequeued <c>maxDequeueCount</c> times; back-off up to <c>maxPollingInterval</c> while a queue is
/// empty. It polls the queue triggers the worker loaded and nothing else. Each message goes to the worker over gRPC
/// as model binding data (host-protocol spec §5); the invocation's outcome settles it.
/// </summary>
public sealed partial class QueueTriggerListener(
    WorkerHub hub,
    QueueClients clients,
    QueueDispatchMonitor monitor,
    FirstResponse firstResponse,
    IOptions<QueueProcessingOptions> options,
    TimeProvider time,
    ILogger<QueueTriggerListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.DispatcherEnabled)
        {
            return;
        }

        IReadOnlyList<HostedFunction> functions;
        try
        {
            functions = await hub.Functions.WaitAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Stopping, or the app never loaded (the supervisor says so and stops the host).
            return;
        }

        await Task.WhenAll(functions.Where(f => f.Trigger is QueueTrigger).Select(f => Task.Run(() => PollAsync(f, (QueueTrigger)f.Trigger, stoppingToken), stoppingToken)));
    }

    private async Task PollAsync(HostedFunction function, QueueTrigger trigger, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var delay = MinPollingInterval;
        var ready = false;
        QueueClient queue;
        try
        {
            // Let the first HTTP request go first (FirstResponse says why), but never wait longer than StartDelay.
            if (settings.StartDelay > TimeSpan.Zero)
            {
                await Task.WhenAny(firstResponse.Answered, Task.Delay(settings.StartDelay, time, stoppingToken));
                stoppingToken.ThrowIfCancellationRequested();
            }

            // Only now: building the queue client (and loading its assembly) is no work for the start's critical path.
            queue = clients.For(trigger.Connection).GetQueueClient(trigger.QueueName);
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
                    await Task.WhenAll(messages.Select(m => ProcessAsync(function, trigger, queue, m, new Lease(m.PopReceipt, leasedAt + settings.LeaseDuration), settings, stoppingToken)));
                    delay = MinPollingInterval;
                    continue;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(settings.MaxPollingInterval.Ticks, MinPollingInterval.Ticks)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or IOException or AggregateException or TimeoutException or OperationCanceledException)
            {
                // Storage down (or a settle that could not reach it): keep polling, slowly. Messages received and
                // not deleted come back once their lease runs out, so nothing is lost.
                Log.PollFailed(logger, trigger.QueueName, ex.GetType().Name, ex.GetBaseException().Message);
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

    /// <summary>
    /// Hands one received message (as the queue holds it) to the worker and returns the invocation's outcome, without
    /// settling the message: what the listener does for each message, and what a test does to call a queue function.
    /// </summary>
    public async Task<InvocationResponse> DeliverAsync(HostedFunction function, QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var trigger = function.Trigger as QueueTrigger ?? throw new ArgumentException($"{function.Name} is not a queue function.", nameof(function));
        var invocation = Invocation(function, trigger, message, options.Value);
        var worker = await hub.ReadyAsync(cancellationToken);
        return await worker.InvokeAsync(invocation, cancellationToken);
    }

    private async Task ProcessAsync(HostedFunction function, QueueTrigger trigger, QueueClient queue, QueueMessage message, Lease lease, QueueProcessingOptions settings, CancellationToken stoppingToken)
    {
        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewal = RenewAsync(queue, message.MessageId, lease, settings.LeaseDuration, renewing.Token);
        var succeeded = false;
        try
        {
            var response = await DeliverAsync(function, message, stoppingToken);
            succeeded = response.Result?.Status == StatusResult.Types.Status.Success;
            if (!succeeded)
            {
                Log.Failed(logger, function.Name, message.MessageId, message.DequeueCount, response.Result?.Exception?.Type ?? "", response.Result?.Exception?.Message ?? "");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease expires and the message is delivered again.
            return;
        }
        catch (Exception ex) when (ex is InvalidDataException or TimeoutException)
        {
            // Not valid base64 (binding fails in the host too), or no worker became ready: the message is tried again.
            Log.Failed(logger, function.Name, message.MessageId, message.DequeueCount, ex.GetType().FullName ?? "", ex.Message);
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
                monitor.Publish(new(function.Name, trigger.QueueName, message.MessageId, message.DequeueCount, QueueDispatchStatus.Succeeded));
                return;
            }

            if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                var poison = clients.For(trigger.Connection).GetQueueClient(trigger.QueueName + "-poison");
                await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
                // The text is copied unchanged so that a replay puts back exactly what failed.
                await poison.SendMessageAsync(message.Body.ToString(), cancellationToken: CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, CancellationToken.None);
                Log.Poisoned(logger, function.Name, message.MessageId, message.DequeueCount, poison.Name);
                monitor.Publish(new(function.Name, trigger.QueueName, message.MessageId, message.DequeueCount, QueueDispatchStatus.Poisoned));
                return;
            }

            await queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
            monitor.Publish(new(function.Name, trigger.QueueName, message.MessageId, message.DequeueCount, QueueDispatchStatus.Released));
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or IOException or AggregateException or OperationCanceledException)
        {
            // Lost the lease, or storage went away (the lease then runs out) (receipt superseded or message gone): another attempt will follow.
            Log.SettleFailed(logger, ex, function.Name, message.MessageId);
        }
    }

    /// <summary>
    /// The invocation for one message (host-protocol spec §5): the message as model binding data of the queue extension,
    /// the text decoded as the trigger decodes it (base64, the default: text that is not base64 fails binding in the host
    /// too, and so is retried and then poisoned), and the trigger metadata the host adds.
    /// </summary>
    private static InvocationRequest Invocation(HostedFunction function, QueueTrigger trigger, QueueMessage raw, QueueProcessingOptions settings)
    {
        var text = raw.Body?.ToString() ?? "";
        if (settings.MessageEncoding == QueueMessageEncoding.Base64)
        {
            var buffer = new byte[text.Length];
            text = Convert.TryFromBase64String(text, buffer, out var written)
                ? Encoding.UTF8.GetString(buffer, 0, written)
                : throw new InvalidDataException($"Message {raw.MessageId} is not valid base64, as the queue trigger expects.");
        }

        var content = new MemoryStream();
        using (var json = new Utf8JsonWriter(content))
        {
            json.WriteStartObject();
            json.WriteString("MessageId", raw.MessageId);
            WriteDate(json, "InsertedOn", raw.InsertedOn);
            WriteDate(json, "ExpiresOn", raw.ExpiresOn);
            json.WriteString("PopReceipt", raw.PopReceipt);
            WriteDate(json, "NextVisibleOn", raw.NextVisibleOn);
            json.WriteNumber("DequeueCount", raw.DequeueCount);
            json.WriteString("MessageText", text);
            json.WriteEndObject();
        }

        var request = new InvocationRequest { InvocationId = Guid.NewGuid().ToString(), FunctionId = function.Id, TraceContext = TraceContexts.Current() };
        request.InputData.Add(new ParameterBinding
        {
            Name = trigger.Parameter,
            Data = new TypedData
            {
                ModelBindingData = new ModelBindingData
                {
                    Version = "1.0",
                    Source = "AzureStorageQueues",
                    ContentType = "application/json",
                    Content = Google.Protobuf.ByteString.CopyFrom(content.GetBuffer(), 0, (int)content.Length),
                },
            },
        });
        request.TriggerMetadata["QueueTrigger"] = new TypedData { String = text };
        request.TriggerMetadata["DequeueCount"] = new TypedData { Json = raw.DequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        request.TriggerMetadata["Id"] = new TypedData { String = raw.MessageId };
        request.TriggerMetadata["PopReceipt"] = new TypedData { String = raw.PopReceipt };
        AddDate(request, "InsertionTime", raw.InsertedOn);
        AddDate(request, "ExpirationTime", raw.ExpiresOn);
        AddDate(request, "NextVisibleTime", raw.NextVisibleOn);
        return request;
    }

    private static void WriteDate(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } date)
        {
            json.WriteString(name, date.UtcDateTime);
        }
    }

    private static void AddDate(InvocationRequest request, string name, DateTimeOffset? value)
    {
        if (value is { } date)
        {
            request.TriggerMetadata[name] = new TypedData { Json = JsonSerializer.Serialize(date.UtcDateTime, HostJsonContext.Default.DateTime) };
        }
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
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is RequestFailedException or OperationCanceledException or HttpRequestException or IOException or AggregateException)
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
        [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "Queue function {Function} failed on message {MessageId} (attempt {DequeueCount}): {ExceptionType}: {Reason}")]
        public static partial void Failed(ILogger logger, string function, string messageId, long dequeueCount, string exceptionType, string reason);

        [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "Polling queue {Queue} failed ({ExceptionType}: {Reason}); backing off")]
        public static partial void PollFailed(ILogger logger, string queue, string exceptionType, string reason);

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
