using InternalApi.Functions.Startup;

// The isolated worker and nothing else: the Functions host (Core Tools, Azure, or the local host) starts this
// process and drives it over its gRPC protocol. Operator commands and benchmarks are projects of their own.
var builder = WorkerApplication.CreateBuilder(args);
using var host = builder.Build();
await WorkerApplication.RunAsync(host);

/// <summary>Entry point type.</summary>
public partial class Program;
