using System.Text.Json;
using InternalApi.Core;
using InternalApi.Core.Auth;
using InternalApi.Core.Data;
using InternalApi.Functions.Functions;
using InternalApi.Functions.Functions.Kubernetes;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// The app's service registrations, shared by the isolated worker (Program), the local host and the
/// command-line verbs, so each host activates the same function classes from the same services.
/// </summary>
public static class InternalApiServices
{
    /// <summary>Options, storage clients, secrets, the authenticator, every Core service and the HTTP pipeline.</summary>
    public static IServiceCollection AddInternalApi(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddInternalApiData(configuration);
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.SectionName);
        services.AddOptions<ShellAuthOptions>().BindConfiguration(ShellAuthOptions.SectionName);
        services.AddOptions<KasAuthOptions>().BindConfiguration(KasAuthOptions.SectionName);
        services.AddSingleton(sp => InternalSecrets.Load(
            sp.GetRequiredService<IOptions<ShellAuthOptions>>().Value,
            sp.GetRequiredService<IOptions<KasAuthOptions>>().Value,
            contentRoot));
        services.AddSingleton<InternalAuthenticator>();
        services.AddSingleton<AdminTokenGate>();
        services.AddSingleton<RequestAuthenticator>();
        services.AddSingleton<HttpFunctionPipeline>();
        services.AddSingleton<StorageGate>();
        services.AddSingleton<OpenApi.OpenApiDocumentProvider>();
        services.AddSingleton<OpenApi.KnownRoutes>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, WireJsonContext.Default);
        });
        return services;
    }

    /// <summary>What the commands need too: options, storage and Core, without secrets.</summary>
    public static IServiceCollection AddInternalApiData(this IServiceCollection services, IConfiguration configuration)
    {
        // TryAdd: a test host registers its own clock first.
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GitLabOptions>().BindConfiguration(GitLabOptions.SectionName);
        services.AddOptions<GitalyOptions>().BindConfiguration(GitalyOptions.SectionName);
        services.AddOptions<Core.Storage.StorageOptions>().BindConfiguration(Core.Storage.StorageOptions.SectionName);
        services.AddInternalApiStorage(configuration);
        services.AddInternalApiCore();
        services.AddSingleton<IQueueSet>(new QueueSet([UsageMetrics.QueueName, Ping.QueueName]));
        services.AddSingleton<StorageInitializer>();
        return services;
    }
}
