using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Core.Access;

/// <summary>Service registration for the <c>/allowed</c> decision.</summary>
public static class AccessServices
{
    /// <summary>Adds this area's services.</summary>
    public static IServiceCollection AddAccessServices(this IServiceCollection services) => services.AddSingleton<GitAccessChecker>().AddSingleton<LfsTokenIssuer>();
}
