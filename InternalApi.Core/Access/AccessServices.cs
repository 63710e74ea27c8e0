using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Access;

/// <summary>Service registration for /allowed decision.</summary>
public static class AccessServices
{
    /// <summary>Adds this area's services.</summary>
    public static IServiceCollection AddAccessServices(this IServiceCollection services) => services;
}
