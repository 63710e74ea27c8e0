using InternalApi.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;

namespace InternalApi.Functions.Startup;

/// <summary>
/// The isolated worker as Azure runs it: <c>Program</c> is these two calls, and the tests that host the worker in
/// their own process build it with the same <see cref="CreateBuilder"/> (adding configuration or services) and run
/// it with the same <see cref="RunAsync"/>, connected to the local host over the host's gRPC protocol.
/// </summary>
public static class WorkerApplication
{
    /// <summary>
    /// The worker's builder: the ASP.NET Core integration, then our services and middleware. <paramref name="configure"/>
    /// runs before our registrations read the configuration (a test adds its settings and log capture there).
    /// </summary>
    public static FunctionsApplicationBuilder CreateBuilder(string[] args, Action<FunctionsApplicationBuilder>? configure = null)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        configure?.Invoke(builder);
        builder.UseInternalApi();
        return builder;
    }

    /// <summary>
    /// Runs a built worker until it is told to stop. Tables and queues are checked while the worker connects to the
    /// host and loads its functions; invocations wait for the check (<see cref="StorageGate"/>). Should the check
    /// itself fail (not storage being down, which it logs), the worker stops and the failure is rethrown.
    /// </summary>
    public static async Task RunAsync(IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var storage = host.Services.GetRequiredService<StorageGate>().StartInitialization(host.Services);
        _ = storage.ContinueWith(_ => host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        await host.RunAsync(cancellationToken);
        await storage;
    }
}
