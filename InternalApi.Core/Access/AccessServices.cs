using InternalApi.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Access;

/// <summary>Service registration for the <c>/allowed</c> decision and <c>lfs_authenticate</c>.</summary>
public static class AccessServices
{
    /// <summary>Adds this area's services.</summary>
    public static IServiceCollection AddAccessServices(this IServiceCollection services)
    {
        services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName).ValidateAtStart(AccessOptions.SectionName);
        services.AddOptions<SshCertificateLicenseOptions>().BindConfiguration(SshCertificateLicenseOptions.SectionName).ValidateAtStart(SshCertificateLicenseOptions.SectionName);
        services.AddSingleton<ProjectCreation>();
        services.AddSingleton<GitAccessService>();
        services.AddSingleton<LfsAuthentication>();
        return services;
    }
}
