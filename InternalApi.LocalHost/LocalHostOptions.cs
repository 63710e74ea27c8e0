namespace InternalApi.LocalHost;

/// <summary>The local host's own settings (section <c>LocalHost</c>); the app's settings go to the worker.</summary>
public sealed class LocalHostOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "LocalHost";

    /// <summary>Where callers reach the functions; loopback only unless told otherwise.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:7071";

    /// <summary>
    /// The function app's folder (the build or publish output: <c>functions.metadata</c>, <c>host.json</c>,
    /// <c>worker.config.json</c> and the worker's assembly). Required.
    /// </summary>
    public string? ScriptRoot { get; set; }

    /// <summary>
    /// Start the worker as a child process, as the Functions host does (the default). Off, the host waits for a worker
    /// started by someone else (a test hosting it in its own process) to connect to <see cref="LocalFunctionsHost.GrpcUri"/>.
    /// </summary>
    public bool LaunchWorker { get; set; } = true;

    /// <summary>From launching the worker to its <c>StartStream</c> (the host's own limit is 60 s).</summary>
    public TimeSpan WorkerStartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long each step of the handshake (init, metadata, each load) may take (the host allows 10 s for init).</summary>
    public TimeSpan WorkerInitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a request waits for a worker (while one starts or restarts) before a 503.</summary>
    public TimeSpan WorkerReadyTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Grace period sent with <c>WorkerTerminate</c>, and how long the host then waits for the worker to exit.</summary>
    public TimeSpan WorkerShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Settings for the worker process (<c>Section__Key</c> names, as app settings reach a worker in Azure), added to the
    /// host's own environment, which the worker inherits.
    /// </summary>
    public Dictionary<string, string> WorkerEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>Restarts of a worker that died, before the host gives up and stops (the host's own default is 10).</summary>
    public int MaxWorkerRestarts { get; set; } = 10;
}
