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
    /// Starts <see cref="StorageInitializer.InitializeAsync"/>; call it before the app starts listening. Not on the
    /// thread pool: resolving the storage clients there blocked a pool thread while Kestrel started on two cores
    /// and made the whole start slower; the requests themselves are asynchronous anyway.
    /// </summary>
    public Task StartInitialization(IServiceProvider services) =>
        Ready = Task.Factory.StartNew(
            () => services.GetRequiredService<StorageInitializer>().InitializeAsync(),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();
}
