using InternalApi.Core.Configuration;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.TwoFactor;

/// <summary>Service registration for the SSH OTP checks and the OTP sessions <c>/allowed</c> honours.</summary>
public static class TwoFactorServices
{
    /// <summary>Adds this area's services. Relative key file paths resolve against the current directory (the content root).</summary>
    public static IServiceCollection AddTwoFactorServices(this IServiceCollection services)
    {
        services.AddOptions<TwoFactorOptions>().BindConfiguration(TwoFactorOptions.SectionName).ValidateAtStart(TwoFactorOptions.SectionName);
        services.AddSingleton<TwoFactorTables>();
        services.AddSingleton<ITableSet>(sp => sp.GetRequiredService<TwoFactorTables>());
        services.AddSingleton(sp => new OtpSecretProtector(sp.GetRequiredService<IOptions<TwoFactorOptions>>(), Directory.GetCurrentDirectory()));
        services.AddSingleton<OtpStore>();
        services.AddSingleton<OtpCheckService>();
        services.AddSingleton<OtpSessionGate>();
        return services;
    }
}
