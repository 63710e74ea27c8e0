using InternalApi.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;

if (await Commands.TryRunAsync(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

StartupJitProfile.Start("worker");
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseInternalApi();
using var host = builder.Build();
// Tables and queues are checked while the worker connects to the host and loads its functions; they wait for it.
var checkedStorage = host.Services.GetRequiredService<StorageGate>().StartInitialization(host.Services);
if (StartupProbe.Requested)
{
    StartupProbe.Report();
    await checkedStorage; // after the line (the bench's clock has stopped), and before the profile, which then holds it
    StartupJitProfile.SaveNow();
    return 0;
}

// As in the local host: should the check itself fail (not storage being down, which it logs), stop.
_ = checkedStorage.ContinueWith(_ => host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
await host.RunAsync();
await checkedStorage;
return 0;

/// <summary>Entry point type.</summary>
public partial class Program;
