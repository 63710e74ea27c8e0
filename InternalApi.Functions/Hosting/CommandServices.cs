using InternalApi.Core;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Services for command-line verbs: the app's configuration (appsettings, environment, command-line
/// <c>--Section:Key=value</c>) and storage, without starting a server or requiring the JWT secrets.
/// </summary>
public static class CommandServices
{
    /// <summary>Builds a provider over the app's configuration and storage.</summary>
    public static ServiceProvider Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<GitLabOptions>().BindConfiguration(GitLabOptions.SectionName);
        services.AddOptions<GitalyOptions>().BindConfiguration(GitalyOptions.SectionName);
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        services.AddOptions<QueueProcessingOptions>()
            .Configure<IHostEnvironment>((o, env) => o.ApplyHostJson(InternalApiApp.HostJsonPath(env)))
            .BindConfiguration(QueueProcessingOptions.SectionName);
        services.AddSingleton(sp => StorageAccountFactory.Create(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton(sp => new TableStorageClient(sp.GetRequiredService<StorageAccount>(), new TableStorageClientOptions(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new QueueStorageClient(
            sp.GetRequiredService<StorageAccount>(),
            new QueueStorageClientOptions { MessageEncoding = sp.GetRequiredService<IOptions<QueueProcessingOptions>>().Value.MessageEncoding },
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(FunctionCatalog.Default);
        services.AddInternalApiCore();
        return services.BuildServiceProvider();
    }
}
