using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.CustomersDot;

/// <summary>Service registration for CustomersDot's current internal API (<c>/internal/gitlab_subscriptions</c>).</summary>
public static class CustomersDotServices
{
    /// <summary>Adds the token validator (its settings checked at start), the tables and the services.</summary>
    public static IServiceCollection AddCustomersDotServices(this IServiceCollection services)
    {
        services.AddOptions<CustomersDotOptions>().BindConfiguration(CustomersDotOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CustomersDotOptions>, CustomersDotOptionsValidator>();
        services.AddSingleton<CustomersDotTokenValidator>();
        services.AddSingleton<CustomersDotTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<CustomersDotTables>());
        services.AddSingleton<NamespaceLimitsService>();
        services.AddSingleton<AddOnProvisioning>();
        return services.AddSingleton<CreditCardValidationService>();
    }
}
