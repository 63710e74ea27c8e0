// The floor of the worker's own start path: the builder InternalApi.Functions' Program uses, with nothing
// registered. INTERNALAPI_STARTUP_PROBE=1 prints "startup-probe: ready" and exits where the worker would
// connect to the host, as our Program does (./run.sh bench startup times the line).
using EmptyWorker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
using var host = builder.Build();
if (Environment.GetEnvironmentVariable(Ping.ProbeVariable) == "1")
{
    Console.Out.WriteLine(Ping.ProbeLine);
    Console.Out.Flush();
    return 0;
}

await host.RunAsync();
return 0;
