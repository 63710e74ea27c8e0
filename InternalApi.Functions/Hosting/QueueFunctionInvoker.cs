namespace InternalApi.Functions.Hosting;

/// <summary>
/// Runs a queue function for one message in its own DI scope and logging scope. Shared by the
/// custom-handler invocation endpoint and the standalone dispatcher, so both paths run the same code.
/// Exceptions propagate: the caller fails the invocation so that retry and poison work.
/// </summary>
public sealed partial class QueueFunctionInvoker(IServiceScopeFactory scopes, ILogger<QueueFunctionInvoker> logger)
{
    /// <summary>Invokes the function.</summary>
    public async Task InvokeAsync(QueueFunction function, QueueTrigger trigger, string? invocationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(trigger);
        using var logScope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["FunctionName"] = function.Name,
            ["InvocationId"] = invocationId,
            ["MessageId"] = trigger.MessageId,
            ["DequeueCount"] = trigger.DequeueCount,
        });
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await function.Handler(trigger, scope.ServiceProvider, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.Failed(logger, ex, function.Name, trigger.MessageId, trigger.DequeueCount);
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "Queue function {Function} failed on message {MessageId} (attempt {DequeueCount})")]
        public static partial void Failed(ILogger logger, Exception exception, string function, string messageId, long dequeueCount);
    }
}
