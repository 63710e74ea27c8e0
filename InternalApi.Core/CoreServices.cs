using InternalApi.Core.Access;
using InternalApi.Core.Audit;
using InternalApi.Core.Data;
using InternalApi.Core.Health;
using InternalApi.Core.Import;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Receive;
using InternalApi.Core.Scim;
using InternalApi.Core.Shell;
using InternalApi.Core.TwoFactor;
using InternalApi.Core.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core;

/// <summary>Registers the Core services. Each area registers its own services in its own file.</summary>
public static class CoreServices
{
    /// <summary>Adds the store, resolvers and every area's services. Storage clients and options are registered by the host.</summary>
    public static IServiceCollection AddInternalApiCore(this IServiceCollection services)
    {
        services.AddSingleton<GitLabTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<GitLabTables>());
        services.AddSingleton<GitLabStore>();
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
        return services;
    }
}
