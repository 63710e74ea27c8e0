using InternalApi.Core.Configuration;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Scim;

/// <summary>Service registration for the SCIM APIs.</summary>
public static class ScimServices
{
    /// <summary>Adds this area's tables, store, authenticator and provisioning service.</summary>
    public static IServiceCollection AddScimServices(this IServiceCollection services)
    {
        services.AddOptions<ScimOptions>().BindConfiguration(ScimOptions.SectionName).ValidateAtStart(ScimOptions.SectionName);
        services.AddSingleton<ScimTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<ScimTables>());
        services.AddSingleton<ScimStore>();
        services.AddSingleton<ScimTokenAuthenticator>();
        return services.AddSingleton<ScimProvisioningService>();
    }
}
