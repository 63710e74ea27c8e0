using InternalApi.Functions.Hosting;
using InternalApi.Functions.LocalHost;
using Microsoft.Azure.Functions.Worker.Builder;

if (await Commands.TryRunAsync(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

// Without a Functions host to connect to (no Core Tools here), serve the same build ourselves.
if (LocalFunctionsHost.IsRequested(args, new ConfigurationBuilder().AddEnvironmentVariables().Build()))
{
    var local = await LocalFunctionsHost.CreateAsync(args);
    await local.RunAsync();
    return 0;
}

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseInternalApi();
using var host = builder.Build();
await host.Services.GetRequiredService<StorageInitializer>().InitializeAsync();
await host.RunAsync();
return 0;

/// <summary>Entry point type.</summary>
public partial class Program;
