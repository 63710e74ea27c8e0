using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Import;

/// <summary>Service registration for data import.</summary>
public static class ImportServices
{
    /// <summary>Adds this area's services.</summary>
    public static IServiceCollection AddImportServices(this IServiceCollection services) => services.AddSingleton<Importer>();
}
