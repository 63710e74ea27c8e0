using InternalApi.Core;

namespace InternalApi.Tool;

/// <summary>
/// Services for the verbs: the app's configuration (appsettings.json of the current folder, the environment,
/// <c>--Section:Key=value</c>) and storage, as the worker registers them (Core's <c>AddInternalApiData</c>), without
/// starting anything or requiring the JWT secrets.
/// </summary>
internal static class CommandServices
{
    /// <summary>Builds a provider over the configuration and storage.</summary>
    public static ServiceProvider Create(IReadOnlyList<string> configuration)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. configuration] });
        // The tool exports no telemetry: the storage SDK's client spans would go nowhere.
        builder.Services.AddInternalApiData(builder.Configuration, storageTracing: false);
        return builder.Services.BuildServiceProvider();
    }
}
