using System.Text.Json;
using InternalApi.Core;
using InternalApi.Core.Auth;
using InternalApi.Core.Configuration;
using InternalApi.Core.Pages;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// The app's service registrations, shared by the isolated worker (Program) and the local host, so each host
/// activates the same function classes from the same services. What the operator tool needs too (storage, Core) is
/// Core's <see cref="CoreServices.AddInternalApiData"/>.
/// </summary>
public static class InternalApiServices
{
    /// <summary>Options, storage clients, secrets, the authenticator, every Core service and the HTTP pipeline.</summary>
    public static IServiceCollection AddInternalApi(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddInternalApiData(configuration, StorageTracing(configuration));
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.SectionName).ValidateAtStart(HttpOptions.SectionName);
        services.AddOptions<ShellAuthOptions>().BindConfiguration(ShellAuthOptions.SectionName).ValidateAtStart(ShellAuthOptions.SectionName);
        services.AddOptions<KasAuthOptions>().BindConfiguration(KasAuthOptions.SectionName).ValidateAtStart(KasAuthOptions.SectionName);
        services.AddSingleton(sp => InternalSecrets.Load(
            sp.GetRequiredService<IOptions<ShellAuthOptions>>().Value,
            sp.GetRequiredService<IOptions<KasAuthOptions>>().Value,
            contentRoot));
        services.AddOptions<WorkhorseAuthOptions>().BindConfiguration(WorkhorseAuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => WorkhorseSecret.Load(sp.GetRequiredService<IOptions<WorkhorseAuthOptions>>().Value, contentRoot));
        services.AddSingleton<InternalAuthenticator>();
        services.AddSingleton(sp => PagesSecret.Load(sp.GetRequiredService<IOptions<PagesOptions>>().Value, contentRoot));
        services.AddSingleton<PagesAuthenticator>();
        services.AddSingleton<WorkhorseAuthenticator>();
        services.AddSingleton<AdminTokenGate>();
        services.AddSingleton<CustomersDotGate>();
        services.AddHostedService<CustomersDotStartupNotice>();
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

    /// <summary>The storage SDK's client spans are on only while a telemetry exporter sends them somewhere.</summary>
    private static bool StorageTracing(IConfiguration configuration)
    {
        try
        {
            return Telemetry.Exporter(configuration) != "none";
        }
        catch (InvalidOperationException)
        {
            // An unknown exporter fails the host's telemetry setup with its own message; here, keep the SDK default.
            return true;
        }
    }
}
