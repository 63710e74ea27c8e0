using InternalApi.Core.Configuration;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Kubernetes;

/// <summary>Service registration for the KAS endpoints: agents and their tokens, usage metrics.</summary>
public static class KubernetesServices
{
    /// <summary>Adds this area's services.</summary>
    public static IServiceCollection AddKubernetesServices(this IServiceCollection services)
    {
        services.AddSingleton<UsageMetricsTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<UsageMetricsTables>());
        services.AddSingleton<AgentTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<AgentTables>());
        services.AddSingleton<AgentStore>();
        services.AddSingleton<AgentTokenAuthenticator>();
        services.AddSingleton<AgentProjectAccess>();
        services.AddSingleton<AgentConfigTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<AgentConfigTables>());
        services.AddSingleton<AgentConfigStore>();
        services.AddSingleton<AgentConfigurationService>();
        services.AddSingleton<ProxyUserAuthorizer>();
        services.AddSingleton<ReceptiveAgentStore>();
        services.AddSingleton<AgentEventsProcessor>();
        services.AddSingleton<IQueueSet>(new QueueSet([AgentEventsProcessor.QueueName]));
        services.AddOptions<KubernetesOptions>().BindConfiguration(KubernetesOptions.SectionName).ValidateAtStart(KubernetesOptions.SectionName);
        services.AddSingleton<StarboardTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<StarboardTables>());
        services.AddSingleton<StarboardStore>();
        services.AddSingleton<SecurityPermissions>();
        services.AddSingleton<StarboardVulnerabilityService>();
        services.AddSingleton<SecurityPolicyTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<SecurityPolicyTables>());
        services.AddSingleton<SecurityPolicyStore>();
        services.AddSingleton<SecurityPolicyService>();
        services.AddSingleton<NetworkAlertTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<NetworkAlertTables>());
        services.AddSingleton<NetworkAlertStore>();
        services.AddSingleton<CiliumAlertService>();
        return services.AddSingleton<UsageMetricsProcessor>().AddSingleton<UsageMetricsReport>();
    }
}
