using System.Diagnostics;
using InternalApi.Core.Diagnostics;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// One function invocation's telemetry context, opened by whichever host runs it: an <see cref="InvocationLog"/>
/// (function name, invocation id, queue message id and dequeue count, then whatever Core learns) as the
/// logging scope of everything logged during the invocation, and a span of the <c>InternalApi</c> activity
/// source carrying the same fields.
/// </summary>
public sealed class InvocationScope : IDisposable
{
    /// <summary>Name of the app's activity source and meter.</summary>
    public const string SourceName = "InternalApi";

    /// <summary>The app's activity source (spans are only made when something listens).</summary>
    public static readonly ActivitySource Source = new(SourceName, Core.BuildInfo.Version);

    private readonly IDisposable? _scope;
    private readonly Activity? _activity;

    private InvocationScope(IDisposable? scope, Activity? activity)
    {
        _scope = scope;
        _activity = activity;
    }

    /// <summary>Opens the scope of an HTTP invocation.</summary>
    public static InvocationScope Http(ILogger logger, string functionName, string invocationId) =>
        Open(logger, functionName, invocationId, ActivityKind.Server, null, null);

    /// <summary>Opens the scope of a queue invocation.</summary>
    public static InvocationScope Queue(ILogger logger, string functionName, string invocationId, string? messageId, long? dequeueCount) =>
        Open(logger, functionName, invocationId, ActivityKind.Consumer, messageId, dequeueCount);

    private static InvocationScope Open(ILogger logger, string functionName, string invocationId, ActivityKind kind, string? messageId, long? dequeueCount)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var log = InvocationLog.Begin(functionName, invocationId);
        if (messageId is not null)
        {
            log.Add("queue_message_id", messageId);
        }

        if (dequeueCount is not null)
        {
            log.Add("dequeue_count", dequeueCount);
        }

        var activity = Source.StartActivity(functionName, kind);
        if (activity is not null)
        {
            foreach (var (name, value) in log)
            {
                activity.SetTag(name, value);
            }
        }

        return new InvocationScope(logger.BeginScope(log), activity);
    }

    /// <summary>Marks the span failed (the exception type only: messages may quote input).</summary>
    public void Failed(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _activity?.Dispose();
        _scope?.Dispose();
    }
}
