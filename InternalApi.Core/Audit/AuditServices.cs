using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Audit;

/// <summary>Service registration for Git audit events.</summary>
public static class AuditServices
{
    /// <summary>Adds this area's services, table and queue.</summary>
    public static IServiceCollection AddAuditServices(this IServiceCollection services)
    {
        services.AddSingleton<AuditEventTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<AuditEventTables>());
        services.AddSingleton<IQueueSet>(new QueueSet([GitAuditEventService.QueueName]));
        return services.AddSingleton<AuditEventStore>().AddSingleton<GitAuditEventService>().AddSingleton<AuditEventRecorder>();
    }
}
