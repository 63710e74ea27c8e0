using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Receive;

/// <summary>Service registration for pre/post-receive and the post-receive worker.</summary>
public static class ReceiveServices
{
    /// <summary>Adds this area's services.</summary>
    public static IServiceCollection AddReceiveServices(this IServiceCollection services)
    {
        services.AddSingleton<ReceiveTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<ReceiveTables>());
        services.AddSingleton<IQueueSet>(new QueueSet([PostReceiveService.QueueName]));
        return services.AddSingleton<ReferenceCounter>().AddSingleton<PostReceiveService>()
            .AddSingleton<PostReceiveProcessor>().AddSingleton<PushHistory>().AddSingleton<MergeRequestStore>().AddSingleton<PostReceiveCalls>();
    }
}
