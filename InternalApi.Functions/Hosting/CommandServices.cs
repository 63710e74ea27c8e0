namespace InternalApi.Functions.Hosting;

/// <summary>
/// Services for command-line verbs: the app's configuration (appsettings, environment, command-line
/// <c>--Section:Key=value</c>) and storage, without starting a server or requiring the JWT secrets.
/// </summary>
public static class CommandServices
{
    /// <summary>Builds a provider over the app's configuration and storage.</summary>
    public static ServiceProvider Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        builder.Services.AddInternalApiData(builder.Configuration);
        return builder.Services.BuildServiceProvider();
    }
}
