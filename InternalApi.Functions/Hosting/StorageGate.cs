namespace InternalApi.Functions.Hosting;

/// <summary>
/// Lets <c>Program</c> check (or create) tables and queues while the app starts instead of before: the local
/// host's Kestrel, or the worker's connection to the Functions host and its function loading. Functions, HTTP
/// and queue, await <see cref="Ready"/> before they run (HTTP ones in <see cref="HttpFunctionPipeline"/>, queue
/// ones in the local host's listener and the worker's middleware), so none meets a missing table. Completed at once unless <see cref="StartInitialization"/> was called.
/// </summary>
public sealed class StorageGate
{
    /// <summary>Completes when the background initialization has finished (it never fails: failures are logged).</summary>
    public Task Ready { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Starts <see cref="StorageInitializer.InitializeAsync"/>; call it before the app starts. Its synchronous part
    /// (resolving the storage clients, building and signing the first request: 70-140 ms of a cold start) runs on a
    /// thread of its own while the app starts on the calling one; the second core is otherwise idle then. Not on the
    /// thread pool: Kestrel's start needs the pool's few threads, and blocking one of them made a loaded two-core
    /// start slower.
    /// </summary>
    public Task StartInitialization(IServiceProvider services) =>
        Ready = Task.Factory.StartNew(
            () => services.GetRequiredService<StorageInitializer>().InitializeAsync(),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();
}
