using InternalApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Data;

/// <summary>Registers the stores of GitLab's entities.</summary>
public static class DataServices
{
    /// <summary>Adds the tables (created at start) and one store per entity, all singletons: they hold nothing but table clients.</summary>
    public static IServiceCollection AddEntityStores(this IServiceCollection services)
    {
        services.AddSingleton<GitLabTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<GitLabTables>());
        services.AddSingleton<FingerprintStore>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<SshKeyStore>();
        services.AddSingleton<NamespaceTree>();
        services.AddSingleton<NamespaceStore>();
        services.AddSingleton<ProjectStore>();
        services.AddSingleton<MembershipStore>();
        services.AddSingleton<EffectiveAccess>();
        services.AddSingleton<ProtectedRefStore>();
        services.AddSingleton<PersonalAccessTokenStore>();
        services.AddSingleton<ErrorTrackingKeyStore>();
        services.AddSingleton<SequenceStore>();
        services.AddSingleton<MessageStore>();
        services.AddSingleton<BroadcastMessageStore>();
        return services;
    }
}
