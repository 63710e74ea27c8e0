using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Net;
using Azure.Core.Diagnostics;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace InternalApi.Tests.Storage;

/// <summary>
/// <c>Storage:SdkLogging</c>: off by default, the Azure SDK's logging policy is off, not merely filtered: its event
/// source emits nothing for the app's storage calls (a listener at Verbose, keeping only events naming this class's
/// Azurite, sees none) and no <c>Azure.Core</c> entry is logged. On, both the events and the entries arrive.
/// </summary>
public sealed class SdkLoggingTests : IAsyncLifetime
{
    private AzuriteServer _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteServer.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_Sdk_Logs_Storage_Calls_Only_When_Asked(bool sdkLogging)
    {
        // Events of this class's Azurite only: other tests' apps run in the same process.
        var events = new ConcurrentQueue<string>();
        var port = $":{_azurite.TablePort}/";
        using var listener = new AzureEventSourceListener((_, message) =>
        {
            if (message.Contains(port, StringComparison.Ordinal))
            {
                events.Enqueue(message);
            }
        }, EventLevel.Verbose);
        await using var app = await TestApp.StartAsync(_azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Storage:SdkLogging"] = sdkLogging ? "true" : "false",
            // The most a level can let through: what reaches the log then depends on the policy alone.
            ["Logging:LogLevel:Azure.Core"] = "Debug",
        });
        using var request = app.ShellRequest(HttpMethod.Get, "/api/v4/internal/authorized_keys?key=AAAAC3NzaC1lZDI1NTE5AAAAIJ2tqv1jDj4PL8GkhB6aqLsf4TfRHcC4zCcQf5xmcyVn");
        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        var sdk = app.Logs.Entries.Where(e => e.Category.StartsWith("Azure.Core", StringComparison.Ordinal)).ToList();
        if (sdkLogging)
        {
            Assert.Contains(sdk, e => e.Level == LogLevel.Information && e.Message.Contains("Request [", StringComparison.Ordinal));
            Assert.NotEmpty(events);
        }
        else
        {
            Assert.Empty(sdk);
            Assert.Empty(events);
        }
    }
}
