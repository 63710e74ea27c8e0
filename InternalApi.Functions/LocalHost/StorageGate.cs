using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.LocalHost;

/// <summary>
/// Lets the local host's <c>Program</c> check (or create) tables and queues while Kestrel starts instead of
/// before: functions, HTTP and queue, await <see cref="Ready"/> before they run, so none meets a missing table.
/// Completed at once unless <see cref="StartInitialization"/> was called.
/// </summary>
public sealed class StorageGate
{
    /// <summary>Completes when the background initialization has finished (it never fails: failures are logged).</summary>
    public Task Ready { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Starts <see cref="StorageInitializer.InitializeAsync"/>; call it before the app starts listening. Its
    /// synchronous part (resolving the storage clients, building and signing the first request: 70-140 ms of a cold
    /// start) runs on a thread of its own while Kestrel starts on the calling one; the second core is otherwise idle
    /// then. Not on the thread pool: Kestrel's start needs the pool's few threads, and blocking one of them made a
    /// loaded two-core start slower.
    /// </summary>
    public Task StartInitialization(IServiceProvider services) =>
        Ready = Task.Factory.StartNew(
            () => services.GetRequiredService<StorageInitializer>().InitializeAsync(),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();
}
