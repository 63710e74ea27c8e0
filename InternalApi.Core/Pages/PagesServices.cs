using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Pages;

/// <summary>Service registration for GitLab Pages (the secret and the authenticator are the worker's: they need its content root).</summary>
public static class PagesServices
{
    /// <summary>Adds this area's services.</summary>
    public static IServiceCollection AddPagesServices(this IServiceCollection services)
    {
        services.AddOptions<PagesOptions>().BindConfiguration(PagesOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PagesOptions>, PagesOptionsValidator>();
        services.AddSingleton<PagesTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<PagesTables>());
        services.AddSingleton<PagesStore>();
        services.AddSingleton<PagesBlobs>();
        services.AddSingleton<PagesDomainKeyProtector>();
        services.AddSingleton<PagesPublisher>();
        services.AddSingleton<PagesHostFinder>();
        return services;
    }
}
