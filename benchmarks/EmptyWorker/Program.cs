// The floor of the worker's start: the builder InternalApi.Functions' Program uses, with nothing registered and one
// trivial function on the route bench startup times, started by the same local host as our worker.
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
using var host = builder.Build();
await host.RunAsync();
