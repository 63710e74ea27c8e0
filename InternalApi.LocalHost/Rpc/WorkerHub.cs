using InternalApi.LocalHost.FunctionApp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.LocalHost.Rpc;

/// <summary>
/// The worker the host currently talks to. Requests and queue messages wait here while a worker starts or restarts;
/// the function list is fixed by the first worker that loads (every later one runs the same build).
/// </summary>
public sealed partial class WorkerHub(FunctionAppFolder app, IOptions<LocalHostOptions> options, ILoggerFactory loggers) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger = loggers.CreateLogger<WorkerHub>();
    private readonly TaskCompletionSource<IReadOnlyList<HostedFunction>> _functions = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _shutdown = new();
    private TaskCompletionSource<WorkerConnection> _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the worker's own log lines that arrive over gRPC go to the host's log (off when the worker logs in the same process).</summary>
    internal bool ForwardWorkerLogs { get; set; } = true;

    /// <summary>Completes with the functions once the first worker has loaded them all; fails if its handshake failed.</summary>
    public Task<IReadOnlyList<HostedFunction>> Functions => _functions.Task;

    /// <summary>The worker ready for invocations, waiting for one while it starts.</summary>
    public async Task<WorkerConnection> ReadyAsync(CancellationToken cancellationToken)
    {
        Task<WorkerConnection> current;
        lock (_gate)
        {
            current = _current.Task;
        }

        return await current.WaitAsync(options.Value.WorkerReadyTimeout, cancellationToken);
    }

    /// <summary>The ready worker now, if there is one.</summary>
    public WorkerConnection? Current
    {
        get
        {
            lock (_gate)
            {
                return _current.Task.IsCompletedSuccessfully ? _current.Task.Result : null;
            }
        }
    }

    /// <summary>Serves one worker's stream: the handshake, then invocations until the stream ends.</summary>
    internal async Task ServeAsync(string workerId, Grpc.Core.IAsyncStreamReader<StreamingMessage> input, Grpc.Core.IServerStreamWriter<StreamingMessage> output, CancellationToken cancellationToken)
    {
        var connection = new WorkerConnection(workerId, loggers, ForwardWorkerLogs);
        Log.Connected(_logger, workerId);
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        try
        {
            await connection.RunAsync(input, output, app, options.Value, Loaded, stream.Token);
        }
        catch (Exception ex) when (!_functions.Task.IsCompleted)
        {
            // The first worker could not load the app: nothing can be served. Said once, to whoever waits.
            _functions.TrySetException(ex);
            throw;
        }
        finally
        {
            lock (_gate)
            {
                if (_current.Task.IsCompletedSuccessfully && ReferenceEquals(_current.Task.Result, connection))
                {
                    _current = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            Log.Disconnected(_logger, workerId);
        }
    }

    /// <summary>
    /// Stops the worker as the host does: <c>WorkerTerminate</c> with a grace period, then waits for its stream to end;
    /// a stream still open after the grace period is cut.
    /// </summary>
    public async Task TerminateAsync()
    {
        if (Current is { } connection)
        {
            connection.Terminate(options.Value.WorkerShutdownTimeout);
            await Task.WhenAny(connection.Closed, Task.Delay(options.Value.WorkerShutdownTimeout));
        }

        await _shutdown.CancelAsync();
    }

    /// <inheritdoc/>
    public void Dispose() => _shutdown.Dispose();

    private void Loaded(WorkerConnection connection)
    {
        lock (_gate)
        {
            if (!_current.TrySetResult(connection))
            {
                _current = new(TaskCreationOptions.RunContinuationsAsynchronously);
                _current.SetResult(connection);
            }
        }

        _functions.TrySetResult(connection.Functions);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Worker {WorkerId} connected")]
        public static partial void Connected(ILogger logger, string workerId);

        [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Worker {WorkerId}'s stream ended")]
        public static partial void Disconnected(ILogger logger, string workerId);
    }
}
