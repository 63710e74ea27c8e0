using System.Diagnostics;
using System.Globalization;
using InternalApi.LocalHost.FunctionApp;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.LocalHost.Rpc;

/// <summary>
/// Launches the worker as the Functions host does (host-protocol spec §2: its executable and arguments, the app's
/// folder as working directory, the host's environment plus the app's settings and the <c>FUNCTIONS_*</c> variables),
/// captures its output into the host's log, starts a new one when it dies, and on stop sends <c>WorkerTerminate</c>
/// and waits for it to exit. With <see cref="LocalHostOptions.LaunchWorker"/> off it only does the stopping part, for
/// a worker started by someone else.
/// </summary>
public sealed partial class WorkerSupervisor(
    FunctionAppFolder app,
    HostEndpoints endpoints,
    WorkerHub hub,
    IOptions<LocalHostOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<WorkerSupervisor> logger) : BackgroundService, IHostedLifecycleService
{
    private readonly Lock _gate = new();
    private Process? _process;

    /// <summary>The running worker process (none before the first start, or with <see cref="LocalHostOptions.LaunchWorker"/> off).</summary>
    public Process? Process
    {
        get
        {
            lock (_gate)
            {
                return _process;
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.LaunchWorker)
        {
            return;
        }

        // The gRPC server must be listening before the worker dials it.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        var restarts = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var workerId = Guid.NewGuid().ToString();
            using var process = Start(workerId);
            lock (_gate)
            {
                _process = process;
            }

            var loaded = hub.Functions;
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                // Stopping: the worker was sent WorkerTerminate (StoppingAsync); give it its grace period, then kill it.
                await EndAsync(process);
                return;
            }

            Log.Exited(logger, process.Id, process.ExitCode);
            if (!loaded.IsCompletedSuccessfully || ++restarts > options.Value.MaxWorkerRestarts)
            {
                // A worker that never loaded the app would fail the same way again; one that keeps dying is given up on.
                Log.GivingUp(logger, restarts);
                lifetime.StopApplication();
                return;
            }

            // A short pause, growing with each restart, so a worker that dies at once does not spin the CPU.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * restarts, 2000)), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Before anything stops (Kestrel stops first, and would wait for the worker's open stream): the worker is told to
    /// terminate and given its grace period to end its stream.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => hub.TerminateAsync();

    /// <inheritdoc/>
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EndAsync(Process process)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(options.Value.WorkerShutdownTimeout);
        }
        catch (TimeoutException)
        {
            Log.Killing(logger, process.Id);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private Process Start(string workerId)
    {
        var description = app.Worker;
        var grpc = endpoints.GrpcUri.ToString();
        var port = endpoints.GrpcPort.ToString(CultureInfo.InvariantCulture);
        var requestId = Guid.NewGuid().ToString();
        var info = new ProcessStartInfo(description.Executable)
        {
            WorkingDirectory = app.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
            app.PathOf(description.WorkerPath),
            "--host", "127.0.0.1", "--port", port, "--workerId", workerId, "--requestId", requestId,
            "--grpcMaxMessageLength", "2147483647",
            "--functions-uri", grpc, "--functions-worker-id", workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", "2147483647"])
        {
            info.ArgumentList.Add(argument);
        }

        // The host's own environment (inherited), the app's settings, and what the worker needs to find its app.
        foreach (var (key, value) in options.Value.WorkerEnvironment)
        {
            info.Environment[key] = value;
        }

        info.Environment["FUNCTIONS_WORKER_RUNTIME"] = description.Language;
        info.Environment["FUNCTIONS_WORKER_DIRECTORY"] = app.Directory;
        info.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = app.Directory;
        info.Environment["AzureWebJobsScriptRoot"] = app.Directory;
        info.Environment["FUNCTIONS_WORKER_RUNTIME_VERSION"] = Environment.Version.ToString(2);

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => Output(line.Data, LogLevel.Information);
        process.ErrorDataReceived += (_, line) => Output(line.Data, LogLevel.Warning);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Log.Started(logger, process.Id, workerId);
        return process;
    }

    private void Output(string? line, LogLevel level)
    {
        if (!string.IsNullOrEmpty(line))
        {
            Log.Output(logger, level, line);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Worker process {ProcessId} started (worker {WorkerId})")]
        public static partial void Started(ILogger logger, int processId, string workerId);

        [LoggerMessage(EventId = 3021, Level = LogLevel.Warning, Message = "Worker process {ProcessId} exited with code {ExitCode}; starting another")]
        public static partial void Exited(ILogger logger, int processId, int exitCode);

        [LoggerMessage(EventId = 3022, Level = LogLevel.Critical, Message = "The worker could not be kept running ({Restarts} restarts, or it never loaded the app); the host stops")]
        public static partial void GivingUp(ILogger logger, int restarts);

        [LoggerMessage(EventId = 3023, Level = LogLevel.Warning, Message = "Worker process {ProcessId} did not exit after WorkerTerminate; killing it")]
        public static partial void Killing(ILogger logger, int processId);

        [LoggerMessage(EventId = 3024, Message = "worker: {Line}")]
        public static partial void Output(ILogger logger, LogLevel level, string line);
    }
}
