using InternalApi.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace InternalApi.Tests.Infrastructure;

/// <summary>The isolated worker as Program builds it, without a Functions host to connect to (never run).</summary>
public static class TestWorker
{
    /// <summary>Program's builder with the test Azurite, throwaway secrets and <paramref name="settings"/>.</summary>
    public static IHost Build(AzuriteServer azurite, IDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageConnection.Name] = azurite.ConnectionString,
            ["Shell:Secret"] = "0123456789abcdef",
            ["Kas:Secret"] = Convert.ToBase64String(new byte[32]),
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.ConfigureFunctionsWebApplication();
        builder.UseInternalApi();
        return builder.Build();
    }
}
