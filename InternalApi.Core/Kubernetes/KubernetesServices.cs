using InternalApi.Core.Data;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Kubernetes;

/// <summary>Service registration for KAS usage metrics.</summary>
public static class KubernetesServices
{
    /// <summary>Adds this area's services.</summary>
    public static IServiceCollection AddKubernetesServices(this IServiceCollection services)
    {
        services.AddSingleton<UsageMetricsTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<UsageMetricsTables>());
        return services.AddSingleton<UsageMetricsProcessor>().AddSingleton<UsageMetricsReport>();
    }
}
