using InternalApi.Functions.Hosting;

if (await Commands.TryRunAsync(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var app = await InternalApiApp.CreateAsync(args);
await app.RunAsync();
return 0;

/// <summary>Entry point type (the tests start the app through <see cref="InternalApiApp"/>).</summary>
public partial class Program;
