using InternalApi.Core.Access;
using InternalApi.Core.Audit;
using InternalApi.Core.Configuration;
using InternalApi.Core.Data;
using InternalApi.Core.Health;
using InternalApi.Core.Identity;
using InternalApi.Core.Import;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Pages;
using InternalApi.Core.Lfs;
using InternalApi.Core.Receive;
using InternalApi.Core.Scim;
using InternalApi.Core.Shell;
using InternalApi.Core.Storage;
using InternalApi.Core.Subscriptions;
using InternalApi.Core.TwoFactor;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InternalApi.Core;

/// <summary>Registers the Core services. Each area registers its own services in its own file.</summary>
public static class CoreServices
{
    /// <summary>
    /// What every process that works on the store needs, the worker and the operator tool alike: options, the storage
    /// clients of <c>AzureWebJobsStorage</c>, every Core service and the initializer of tables and queues; no secrets.
    /// <paramref name="storageTracing"/>: see <see cref="StorageAccount.AddInternalApiStorage"/>.
    /// </summary>
    public static IServiceCollection AddInternalApiData(this IServiceCollection services, IConfiguration configuration, bool storageTracing)
    {
        // TryAdd: a test host registers its own clock first.
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GitLabOptions>().BindConfiguration(GitLabOptions.SectionName).ValidateAtStart(GitLabOptions.SectionName);
        services.AddOptions<GitalyOptions>().BindConfiguration(GitalyOptions.SectionName).ValidateAtStart(GitalyOptions.SectionName);
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateAtStart(StorageOptions.SectionName);
        services.AddInternalApiStorage(configuration, storageTracing);
        services.AddInternalApiCore();
        // The queues only functions read, after Core's own (the order `queues list` prints them in).
        services.AddSingleton<IQueueSet>(new QueueSet([UsageMetricsProcessor.QueueName, DiagnosticQueues.Ping]));
        services.AddSingleton<StorageInitializer>();
        return services;
    }

    /// <summary>Adds the stores, resolvers and every area's services. Storage clients and options are registered by the host.</summary>
    public static IServiceCollection AddInternalApiCore(this IServiceCollection services)
    {
        services.AddEntityStores();
        services.AddSingleton<ActorResolver>();
        services.AddSingleton<RepositoryResolver>();
        services.AddSingleton<StoreHealth>();
        services.AddAccessServices();
        services.AddShellServices();
        services.AddReceiveServices();
        services.AddKubernetesServices();
        services.AddSubscriptionServices();
        services.AddImportServices();
        services.AddScimServices();
        services.AddTwoFactorServices();
        services.AddAuditServices();
        services.AddPagesServices();
        services.AddLfsServices();
        return services;
    }
}
