using System.Net.Http.Headers;
using System.Security.Cryptography;
using InternalApi.Core.Auth;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InternalApi.Tests.Infrastructure;

/// <summary>
/// The real app (Kestrel on a free loopback port) wired to a test Azurite, with fresh secrets, and an
/// HttpClient. Tests call it over real HTTP.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, HttpClient client, byte[] shellKey, byte[] kasKey, CapturingLoggerProvider logs)
    {
        _app = app;
        Client = client;
        ShellKey = shellKey;
        KasKey = kasKey;
        Logs = logs;
    }

    /// <summary>Client with the app's base address (no credentials added).</summary>
    public HttpClient Client { get; }

    /// <summary>The shell secret bytes.</summary>
    public byte[] ShellKey { get; }

    /// <summary>The decoded KAS secret.</summary>
    public byte[] KasKey { get; }

    /// <summary>Captured logs.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts an app. <paramref name="underHost"/> selects custom-handler mode.</summary>
    public static async Task<TestApp> StartAsync(string storageConnectionString, bool underHost = false, IDictionary<string, string?>? settings = null, FunctionCatalog? catalog = null)
    {
        // Hex text of 16 random bytes, like GitLab's generated secret; used as raw bytes.
        var shellSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var kasKey = RandomNumberGenerator.GetBytes(32);
        var logs = new CapturingLoggerProvider();
        var config = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storageConnectionString,
            ["Shell:Secret"] = shellSecret,
            ["Kas:Secret"] = Convert.ToBase64String(kasKey),
            ["Standalone:Urls"] = "http://127.0.0.1:0",
            ["Queues:MaxPollingInterval"] = "00:00:00.200",
            ["Queues:VisibilityTimeout"] = "00:00:00",
            ["Queues:MaxDequeueCount"] = "5",
            ["Logging:LogLevel:Default"] = "Information",
        };
        if (underHost)
        {
            config[HostingMode.PortVariable] = "0";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = await InternalApiApp.CreateAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.AddProvider(logs);
        }, catalog);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        return new TestApp(app, client, System.Text.Encoding.UTF8.GetBytes(shellSecret), kasKey, logs);
    }

    /// <summary>A shell JWT as gitlab-shell mints it.</summary>
    public string ShellToken() => InternalJwt.Create(ShellKey, InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(1));

    /// <summary>A KAS JWT.</summary>
    public string KasToken() => InternalJwt.Create(KasKey, InternalJwt.KasIssuer, InternalJwt.KasAudience, TimeProvider.System, TimeSpan.FromMinutes(1));

    /// <summary>A request carrying the shell JWT.</summary>
    public HttpRequestMessage ShellRequest(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(FunctionAuthMiddleware.ShellHeader, ShellToken());
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("GitLab-Shell", null));
        return request;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
