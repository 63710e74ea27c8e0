namespace InternalApi.Functions.Hosting;

/// <summary>
/// The one binary runs either under the Functions host (custom handler: the host sets
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, proxies HTTP, and invokes queue functions at <c>POST /{name}</c>) or
/// standalone (our own listener on 127.0.0.1:7071 and our own queue dispatcher).
/// </summary>
public sealed record HostingMode(bool UnderFunctionsHost, string Urls)
{
    /// <summary>The env var the host sets.</summary>
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>Standalone default address.</summary>
    public const string DefaultStandaloneUrls = "http://127.0.0.1:7071";

    /// <summary>Decides the mode from configuration (which includes environment variables).</summary>
    public static HostingMode From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var port = configuration[PortVariable];
        if (!string.IsNullOrWhiteSpace(port))
        {
            // The host talks to loopback only; never bind wider.
            return new HostingMode(true, $"http://127.0.0.1:{port.Trim()}");
        }

        return new HostingMode(false, configuration["Standalone:Urls"] ?? configuration["urls"] ?? DefaultStandaloneUrls);
    }
}
