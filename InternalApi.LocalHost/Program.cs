using InternalApi.LocalHost;

// dotnet InternalApi.LocalHost.dll --LocalHost:ScriptRoot=<the function app's build output> [--LocalHost:Urls=http://127.0.0.1:7071]
// The app's settings reach the worker through the environment, which it inherits.
var host = LocalFunctionsHost.Build(args);
await host.RunAsync();
