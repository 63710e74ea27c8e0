using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Lfs;

/// <summary>Service registration for LFS objects.</summary>
public static class LfsServices
{
    /// <summary>Adds this area's services.</summary>
    public static IServiceCollection AddLfsServices(this IServiceCollection services)
    {
        services.AddSingleton<LfsTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<LfsTables>());
        return services.AddSingleton<LfsObjectStore>().AddSingleton<LfsObjectService>();
    }
}
