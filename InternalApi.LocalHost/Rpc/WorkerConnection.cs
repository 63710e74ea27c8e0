using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using InternalApi.LocalHost.FunctionApp;
using Microsoft.Extensions.Logging;

namespace InternalApi.LocalHost.Rpc;

/// <summary>
/// One worker's <c>EventStream</c>, from its <c>StartStream</c> to its end: the handshake as the Functions host does it
/// (init, worker indexing, one load request per function, refusing to serve if any fails), then invocations in flight,
/// matched to their responses by invocation id. Every write to the stream goes through one queue: gRPC allows one
/// writer at a time.
/// </summary>
public sealed partial class WorkerConnection
{
    private readonly Channel<StreamingMessage> _outbox = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<StreamingMessage> _control = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggers;
    private readonly bool _forwardLogs;

    internal WorkerConnection(string workerId, ILoggerFactory loggers, bool forwardLogs)
    {
        WorkerId = workerId;
        _loggers = loggers;
        _logger = loggers.CreateLogger<WorkerConnection>();
        _forwardLogs = forwardLogs;
    }

    /// <summary>The id the worker announced in <c>StartStream</c>.</summary>
    public string WorkerId { get; }

    /// <summary>The worker's own Kestrel (<c>HttpUri</c> capability): where HTTP invocations are forwarded.</summary>
    public Uri? HttpUri { get; private set; }

    /// <summary>The functions loaded, in the order the worker listed them.</summary>
    public IReadOnlyList<HostedFunction> Functions { get; private set; } = [];

    /// <summary>Completes when the stream has ended (the worker stopped or died).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Sends one invocation and waits for its response; a worker that goes away fails it.</summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pending = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[request.InvocationId] = pending;
        try
        {
            if (_closed.Task.IsCompleted || !_outbox.Writer.TryWrite(new StreamingMessage { InvocationRequest = request }))
            {
                return FailedResponse(request.InvocationId, "The worker has gone away.");
            }

            return await pending.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away (or the host is stopping): tell the worker, as the host does.
            _outbox.Writer.TryWrite(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId } });
            throw;
        }
        finally
        {
            _invocations.TryRemove(request.InvocationId, out _);
        }
    }

    /// <summary>Asks the worker to stop; it exits after finishing what it can within the grace period.</summary>
    public void Terminate(TimeSpan gracePeriod) =>
        _outbox.Writer.TryWrite(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(gracePeriod) } });

    /// <summary>
    /// Serves the stream after its <c>StartStream</c>: writes, reads, and the handshake; <paramref name="loaded"/> is
    /// called once every function has loaded. Returns when the stream ends.
    /// </summary>
    internal async Task RunAsync(
        IAsyncStreamReader<StreamingMessage> input,
        IServerStreamWriter<StreamingMessage> output,
        FunctionAppFolder app,
        LocalHostOptions options,
        Action<WorkerConnection> loaded,
        CancellationToken cancellationToken)
    {
        var writing = WriteAsync(output, cancellationToken);
        var reading = ReadAsync(input, cancellationToken);
        try
        {
            var handshake = HandshakeAsync(app, options, cancellationToken);
            if (await Task.WhenAny(handshake, reading) == handshake)
            {
                await handshake;
                loaded(this);
            }

            await reading;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.StreamFailed(_logger, ex, WorkerId);
            throw;
        }
        finally
        {
            _closed.TrySetResult();
            _outbox.Writer.TryComplete();
            foreach (var id in _invocations.Keys)
            {
                if (_invocations.TryGetValue(id, out var pending))
                {
                    pending.TrySetResult(FailedResponse(id, "The worker has gone away."));
                }
            }

            try
            {
                await writing;
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException or Grpc.Core.RpcException)
            {
                // The stream is gone; nothing is left to write to.
            }
        }
    }

    private async Task HandshakeAsync(FunctionAppFolder app, LocalHostOptions options, CancellationToken cancellationToken)
    {
        var init = new WorkerInitRequest
        {
            HostVersion = "4.1040.0",
            WorkerDirectory = app.Directory,
            FunctionAppDirectory = app.Directory,
        };
        init.LogCategories.Add("Function", RpcLog.Types.Level.Information);
        await SendAsync(new StreamingMessage { RequestId = NewId(), WorkerInitRequest = init });
        var initResponse = (await ReceiveAsync(StreamingMessage.ContentOneofCase.WorkerInitResponse, options.WorkerInitTimeout, cancellationToken)).WorkerInitResponse;
        Ensure(initResponse.Result, "WorkerInitRequest");
        if (initResponse.Capabilities.TryGetValue("HttpUri", out var httpUri) && Uri.TryCreate(httpUri, UriKind.Absolute, out var uri))
        {
            HttpUri = uri;
        }

        IReadOnlyList<RpcFunctionMetadata> metadata;
        if (app.Worker.WorkerIndexing)
        {
            await SendAsync(new StreamingMessage { RequestId = NewId(), FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = app.Directory } });
            var indexed = (await ReceiveAsync(StreamingMessage.ContentOneofCase.FunctionMetadataResponse, options.WorkerInitTimeout, cancellationToken)).FunctionMetadataResponse;
            Ensure(indexed.Result, "FunctionsMetadataRequest");
            metadata = indexed.UseDefaultMetadataIndexing
                ? HostedFunction.ReadMetadataFile(app.PathOf("functions.metadata"))
                : [.. indexed.FunctionMetadataResults];
        }
        else
        {
            metadata = HostedFunction.ReadMetadataFile(app.PathOf("functions.metadata"));
        }

        // One load request per function, reusing the id the worker gave it; every one must succeed.
        foreach (var function in metadata)
        {
            HostedFunction.FillBindings(function);
            if (string.IsNullOrEmpty(function.Directory))
            {
                function.Directory = app.Directory;
            }

            await SendAsync(new StreamingMessage { RequestId = NewId(), FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function } });
        }

        var pendingLoads = metadata.Select(m => m.FunctionId).ToHashSet(StringComparer.Ordinal);
        while (pendingLoads.Count > 0)
        {
            var load = (await ReceiveAsync(StreamingMessage.ContentOneofCase.FunctionLoadResponse, options.WorkerInitTimeout, cancellationToken)).FunctionLoadResponse;
            var name = metadata.FirstOrDefault(m => m.FunctionId == load.FunctionId)?.Name ?? load.FunctionId;
            Ensure(load.Result, "FunctionLoadRequest for " + name);
            pendingLoads.Remove(load.FunctionId);
        }

        Functions = [.. metadata.Select(HostedFunction.From)];
        if (HttpUri is null && Functions.Any(f => f.Trigger is HttpTrigger))
        {
            throw new InvalidOperationException("The worker serves HTTP functions but advertised no HttpUri: it is not an ASP.NET Core integration worker, which is the only kind this host forwards to.");
        }

        if (HttpUri is not null)
        {
            await WaitForHttpAsync(HttpUri, options.WorkerInitTimeout, cancellationToken);
        }

        var httpAt = HttpUri?.ToString() ?? "(none)";
        Log.Loaded(_logger, WorkerId, Functions.Count, httpAt);
    }

    /// <summary>
    /// The worker answers the handshake as soon as its functions load, and its Kestrel may still be starting then: the
    /// worker counts as ready once that port accepts connections, so no request is forwarded to a closed port.
    /// </summary>
    private static async Task WaitForHttpAsync(Uri http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(http.Host, http.Port, deadline.Token);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (!deadline.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25), deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The worker's HTTP endpoint {http} did not accept connections within {timeout.TotalSeconds:0} s.");
            }
        }
    }

    private async Task ReadAsync(IAsyncStreamReader<StreamingMessage> input, CancellationToken cancellationToken)
    {
        try
        {
            while (await input.MoveNext(cancellationToken))
            {
                var message = input.Current;
                switch (message.ContentCase)
                {
                    case StreamingMessage.ContentOneofCase.InvocationResponse:
                        if (_invocations.TryGetValue(message.InvocationResponse.InvocationId, out var pending))
                        {
                            pending.TrySetResult(message.InvocationResponse);
                        }

                        break;
                    case StreamingMessage.ContentOneofCase.RpcLog:
                        Forward(message.RpcLog);
                        break;
                    case StreamingMessage.ContentOneofCase.WorkerStatusResponse:
                        break;
                    default:
                        _control.Writer.TryWrite(message);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or Grpc.Core.RpcException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The worker went away (killed, crashed) or the host is stopping: the stream simply ends.
        }
        finally
        {
            _control.Writer.TryComplete();
        }
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> output, CancellationToken cancellationToken)
    {
        await foreach (var message in _outbox.Reader.ReadAllAsync(cancellationToken))
        {
            await output.WriteAsync(message, cancellationToken);
        }
    }

    private async Task SendAsync(StreamingMessage message) => await _outbox.Writer.WriteAsync(message);

    private async Task<StreamingMessage> ReceiveAsync(StreamingMessage.ContentOneofCase expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var message = await _control.Reader.ReadAsync(deadline.Token);
                if (message.ContentCase == expected)
                {
                    return message;
                }

                Log.Unexpected(_logger, WorkerId, message.ContentCase.ToString(), expected.ToString());
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The worker sent no {expected} within {timeout.TotalSeconds:0} s.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The worker closed its stream before sending {expected}.");
        }
    }

    private static void Ensure(StatusResult? result, string step)
    {
        if (result is { Status: StatusResult.Types.Status.Failure })
        {
            throw new InvalidOperationException($"The worker failed {step}: {result.Exception?.Message ?? result.Result}");
        }
    }

    private void Forward(RpcLog log)
    {
        if (!_forwardLogs)
        {
            return;
        }

        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        var logger = _loggers.CreateLogger(string.IsNullOrEmpty(log.Category) ? "Worker" : log.Category);
        if (logger.IsEnabled(level))
        {
            Log.Worker(logger, level, log.Message, log.Exception is { } ex ? $"{ex.Type}: {ex.Message}" : null);
        }
    }

    private static InvocationResponse FailedResponse(string invocationId, string reason) => new()
    {
        InvocationId = invocationId,
        Result = new StatusResult
        {
            Status = StatusResult.Types.Status.Failure,
            Exception = new RpcException { Message = reason, Type = "InternalApi.LocalHost.WorkerUnavailable" },
        },
    };

    private static string NewId() => Guid.NewGuid().ToString();

    private static partial class Log
    {
        [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Worker {WorkerId} loaded {Count} functions; HTTP at {HttpUri}")]
        public static partial void Loaded(ILogger logger, string workerId, int count, string httpUri);

        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Worker {WorkerId} sent {Received} while the host waited for {Expected}")]
        public static partial void Unexpected(ILogger logger, string workerId, string received, string expected);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Worker {WorkerId}'s stream failed")]
        public static partial void StreamFailed(ILogger logger, Exception exception, string workerId);

        [LoggerMessage(EventId = 3003, Message = "{Message} {Exception}")]
        public static partial void Worker(ILogger logger, LogLevel level, string message, string? exception);
    }
}
