using System.Net.Http.Headers;
using System.Security.Cryptography;
using InternalApi.Core.Auth;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.LocalHost;
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

    /// <summary>The OTP encryption key every test app is configured with (base64 of 32 bytes).</summary>
    public const string TestOtpEncryptionKey = "dGVzdC1vdHAta2V5LTAxMjM0NTY3ODlhYmNkZWYwMTI=";

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

    /// <summary>
    /// Starts the local host on the build's functions.metadata; <paramref name="extraFunctions"/> adds test-only
    /// functions next to them.
    /// </summary>
    public static async Task<TestApp> StartAsync(string storageConnectionString, IDictionary<string, string?>? settings = null, IEnumerable<FunctionMetadata>? extraFunctions = null, Action<IServiceCollection>? services = null)
    {
        // Hex text of 16 random bytes, like GitLab's generated secret; used as raw bytes.
        var shellSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var kasKey = RandomNumberGenerator.GetBytes(32);
        var logs = new CapturingLoggerProvider();
        var config = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["Shell:Secret"] = shellSecret,
            ["Kas:Secret"] = Convert.ToBase64String(kasKey),
            ["LocalHost:Urls"] = "http://127.0.0.1:0",
            ["Queues:MaxPollingInterval"] = "00:00:00.200",
            ["Queues:VisibilityTimeout"] = "00:00:00",
            ["Queues:MaxDequeueCount"] = "5",
            ["Logging:LogLevel:Default"] = "Information",
            ["Telemetry:Exporter"] = "none",

            // The test machine runs many Azurites on few cores: give storage calls the patience the app's
            // tight defaults (meant for a real account) lack. The fault tests use the defaults.
            ["Storage:NetworkTimeout"] = "00:00:10",
            ["Storage:MaxRetries"] = "3",

            // One fixed OTP encryption key, so every app on a test Azurite reads the secrets another imported.
            ["TwoFactor:OtpEncryptionKeys:test1"] = TestOtpEncryptionKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = await LocalFunctionsHost.CreateAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.AddProvider(logs);
            services?.Invoke(builder.Services);
        }, extraFunctions);
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
        request.Headers.Add(RequestAuthenticator.ShellHeader, ShellToken());
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("GitLab-Shell", null));
        return request;
    }

    /// <summary>
    /// Invokes a queue function of the build directly with one message, as the host does once it has
    /// received it (no queue involved); exceptions propagate as they would fail the invocation.
    /// </summary>
    public Task InvokeQueueFunctionAsync(string name, BinaryData body, string? messageId = null, long dequeueCount = 1)
    {
        var function = Services.GetRequiredService<LocalFunctions>().Queue.Single(f => f.Name == name);
        var message = Azure.Storage.Queues.Models.QueuesModelFactory.QueueMessage(
            messageId ?? Guid.NewGuid().ToString(), "receipt", body, dequeueCount, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(1), DateTimeOffset.UtcNow.AddDays(7));
        return function.InvokeQueueAsync(message, CancellationToken.None);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
