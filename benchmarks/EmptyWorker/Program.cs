// The floor of the worker's own start path: the builder InternalApi.Functions' Program uses, with nothing
// registered. INTERNALAPI_STARTUP_PROBE=1 prints "startup-probe: ready" and exits where the worker would
// connect to the host, as our Program does (./run.sh bench startup times the line).
using EmptyWorker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

StartJitProfile();
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
using var host = builder.Build();
if (Environment.GetEnvironmentVariable(Ping.ProbeVariable) == "1")
{
    Console.Out.WriteLine(Ping.ProbeLine);
    Console.Out.Flush();
    System.Runtime.ProfileOptimization.StartProfile(null); // writes the profile, after the timed line
    return 0;
}

await host.RunAsync();
return 0;

// bench startup's "with a JIT profile" rows: the runtime's multi-core JIT, as InternalApi.Functions uses it
// (Hosting/StartupJitProfile.cs); off unless INTERNALAPI_JIT_PROFILE_DIR names a folder.
static void StartJitProfile()
{
    if (Environment.GetEnvironmentVariable("INTERNALAPI_JIT_PROFILE_DIR") is { Length: > 0 } folder && folder != "off")
    {
        System.Runtime.ProfileOptimization.SetProfileRoot(folder);
        System.Runtime.ProfileOptimization.StartProfile("baseline.jitprofile");
    }
}

