using InternalApi.Core.Model;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Import;

/// <summary>Service registration for data import.</summary>
public static class ImportServices
{
    /// <summary>
    /// Adds the importer and its sections. Sections are read, checked and written in this order; a new
    /// section (e.g. <c>agents</c>) is one class and one line here, after the sections it refers to.
    /// </summary>
    public static IServiceCollection AddImportServices(this IServiceCollection services)
    {
        services.AddSingleton<IImportSection, UsersSection>();
        services.AddSingleton<IImportSection, GroupsSection>();
        services.AddSingleton<IImportSection, KeysSection>();
        services.AddSingleton<IImportSection, DeployKeysSection>();
        services.AddSingleton<IImportSection, ProjectsSection>();
        services.AddSingleton<IImportSection, MembershipsSection>();
        services.AddSingleton<IImportSection>(new ProtectedRefsSection(RefKind.Branch));
        services.AddSingleton<IImportSection>(new ProtectedRefsSection(RefKind.Tag));
        services.AddSingleton<IImportSection, PersonalAccessTokensSection>();
        services.AddSingleton<IImportSection, ErrorTrackingKeysSection>();
        services.AddSingleton<IImportSection, AgentsSection>();
        services.AddSingleton<IImportSection, StarboardVulnerabilitiesSection>();
        services.AddSingleton<IImportSection, SecurityPoliciesSection>();
        services.AddSingleton<IImportSection, BroadcastMessagesSection>();
        services.AddSingleton<IImportSection, SamlProvidersSection>();
        services.AddSingleton<IImportSection, ScimTokensSection>();
        services.AddSingleton<IImportSection, ScimIdentitiesSection>();
        services.AddSingleton<IImportSection, GroupSshCertificatesSection>();
        services.AddSingleton<IImportSection, OtpSecretsSection>();
        services.AddSingleton<IImportSection, UpcomingReconciliationsSection>();
        services.AddSingleton<IImportSection, PagesSitesSection>();
        services.AddSingleton<IImportSection, PagesDomainsSection>();
        services.AddSingleton<IImportSection, LfsObjectsSection>();
        services.AddSingleton<ImportStores>();
        services.AddSingleton<Importer>();
        return services;
    }
}
