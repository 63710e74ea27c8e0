using InternalApi.Core.Auth;
using InternalApi.Core.Configuration;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Subscriptions;

/// <summary>Service registration for the CustomersDot and Admin Area endpoints.</summary>
public static class SubscriptionServices
{
    /// <summary>Adds this area's services.</summary>
    public static IServiceCollection AddSubscriptionServices(this IServiceCollection services)
    {
        services.AddOptions<SubscriptionOptions>().BindConfiguration(SubscriptionOptions.SectionName).ValidateAtStart(SubscriptionOptions.SectionName);
        services.AddSingleton<SubscriptionTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<SubscriptionTables>());
        services.AddSingleton<IQueueSet>(new QueueSet([MinutePackService.MoveQueueName]));
        services.AddSingleton<PersonalAccessTokenAuthenticator>();
        services.AddSingleton<NamespaceFinder>();
        services.AddSingleton<BillableMembers>();
        services.AddSingleton<GitLabSubscriptionService>();
        services.AddSingleton<AddOnPurchaseService>();
        services.AddSingleton<MinutePackService>();
        services.AddSingleton<UpcomingReconciliationService>();
        services.AddSingleton<StorageExclusionService>();

        // CustomersDot's current routes share these services (one rule, two front doors).
        return CustomersDot.CustomersDotServices.AddCustomersDotServices(services);
    }
}
