using InternalApi.Core;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>The options and storage clients that both the server and the command-line verbs need.</summary>
public static class StorageServices
{
    /// <summary>Binds the instance, Gitaly, storage and queue options and registers the storage clients.</summary>
    public static IServiceCollection AddInternalApiStorage(this IServiceCollection services)
    {
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
        return services;
    }
}
