using InternalApi.Core.Configuration;
using InternalApi.Core.Data;
using InternalApi.Core.Identity;
using InternalApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Shell;

/// <summary>Service registration for shell endpoints (keys, discover, 2FA, PAT, LFS, error tracking).</summary>
public static class ShellServices
{
    /// <summary>Adds this area's services.</summary>
    public static IServiceCollection AddShellServices(this IServiceCollection services)
    {
        services.AddSingleton<ShellActorLookup>();
        services.AddSingleton<AuthorizedKeyFinder>();
        services.AddSingleton<RecoveryCodeService>();
        services.AddSingleton<PersonalAccessTokenService>();
        services.AddSingleton<ErrorTrackingAccess>();
        services.AddOptions<ShellFeatureOptions>().BindConfiguration(ShellFeatureOptions.SectionName).ValidateAtStart(ShellFeatureOptions.SectionName);
        services.AddSingleton<SshCertificateTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<SshCertificateTables>());
        services.AddSingleton<SshCertificateStore>();
        services.AddSingleton<AuthorizedCertFinder>();
        return services;
    }
}
