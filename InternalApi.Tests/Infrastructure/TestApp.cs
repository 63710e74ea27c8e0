using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using Azure.Core;
using Azure.Storage.Queues.Models;
using InternalApi.Core.Auth;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.Startup;
using InternalApi.LocalHost;
using InternalApi.LocalHost.Queues;
using InternalApi.LocalHost.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;
using Microsoft.Azure.Functions.Worker.Invocation;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace InternalApi.Tests.Infrastructure;

/// <summary>
/// The app as Azure runs it, on a test Azurite with fresh secrets: the local host (HTTP front end, gRPC server, queue
/// listener) and the worker, which this test process hosts, built by the worker's own builder and connected to the host
/// over the host's protocol. Every request goes client → host → worker's Kestrel, paired with a gRPC invocation.
/// Tests call it over real HTTP; <see cref="Services"/> are the worker's, so a test can still read its stores.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _host;
    private readonly IHost _worker;
    private readonly Task _workerRun;

    private TestApp(WebApplication host, IHost worker, Task workerRun, HttpClient client, byte[] shellKey, byte[] kasKey, byte[] pagesKey, CapturingLoggerProvider logs, TableQueryGuard queryGuard)
    {
        QueryGuard = queryGuard;
        PagesKey = pagesKey;
        _host = host;
        _worker = worker;
        _workerRun = workerRun;
        Client = client;
        ShellKey = shellKey;
        KasKey = kasKey;
        Logs = logs;
    }

    /// <summary>The OTP encryption key every test app is configured with (base64 of 32 bytes).</summary>
    public const string TestOtpEncryptionKey = "dGVzdC1vdHAta2V5LTAxMjM0NTY3ODlhYmNkZWYwMTI=";

    /// <summary>Client with the host's base address (no credentials added).</summary>
    public HttpClient Client { get; }

    /// <summary>The shell secret bytes.</summary>
    public byte[] ShellKey { get; }

    /// <summary>The decoded KAS secret.</summary>
    public byte[] KasKey { get; }

    /// <summary>The decoded Pages secret.</summary>
    public byte[] PagesKey { get; }

    /// <summary>The decoded Workhorse secret, fresh per test run and the same for every app of it.</summary>
    public static byte[] WorkhorseKey { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>Captured logs, of the host and the worker.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>The worker's table queries that named no single partition (each also failed where it was sent).</summary>
    public TableQueryGuard QueryGuard { get; }

    /// <summary>The worker's services.</summary>
    public IServiceProvider Services => _worker.Services;

    /// <summary>The local host's services.</summary>
    public IServiceProvider HostServices => _host.Services;

    /// <summary>What the host's queue listener did with each message.</summary>
    public QueueDispatchMonitor Dispatches => _host.Services.GetRequiredService<QueueDispatchMonitor>();

    /// <summary>
    /// Starts the host and the worker on the build's functions; <paramref name="extraFunctions"/> adds test-only functions
    /// (of this assembly) to the worker's index; <paramref name="services"/> changes the worker's registrations.
    /// </summary>
    public static async Task<TestApp> StartAsync(string storageConnectionString, IDictionary<string, string?>? settings = null, IEnumerable<IFunctionMetadata>? extraFunctions = null, Action<IServiceCollection>? services = null)
    {
        // Hex text of 16 random bytes, like GitLab's generated secret; used as raw bytes.
        var shellSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var kasKey = RandomNumberGenerator.GetBytes(32);
        var pagesKey = RandomNumberGenerator.GetBytes(32);
        var logs = new CapturingLoggerProvider();
        var config = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["Shell:Secret"] = shellSecret,
            ["Kas:Secret"] = Convert.ToBase64String(kasKey),
            ["Pages:Secret"] = Convert.ToBase64String(pagesKey),
            ["Workhorse:Secret"] = Convert.ToBase64String(WorkhorseKey),
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

        var host = LocalFunctionsHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(config);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LocalHost:ScriptRoot"] = AppContext.BaseDirectory,
                ["LocalHost:Urls"] = "http://127.0.0.1:0",
                ["LocalHost:LaunchWorker"] = "false",
            });
            builder.Logging.ClearProviders().AddProvider(logs);
        });
        // The worker logs into the same provider directly; its lines over gRPC would come twice.
        host.Services.GetRequiredService<WorkerHub>().ForwardWorkerLogs = false;
        await host.StartAsync();

        var guard = new TableQueryGuard();
        var worker = BuildWorker(host.Services.GetRequiredService<HostEndpoints>().GrpcUri, config, logs, extraFunctions, services, guard);
        var run = WorkerApplication.RunAsync(worker);
        try
        {
            await host.Services.GetRequiredService<WorkerHub>().Functions.WaitAsync(TimeSpan.FromSeconds(60));

            // Tables and queues exist before a test writes to them through the worker's services, as they did
            // before the first invocation.
            await worker.Services.GetRequiredService<StorageGate>().Ready.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception ex)
        {
            await host.StopAsync();
            await host.DisposeAsync();
            var seen = string.Join(Environment.NewLine, logs.Entries.Where(e => e.Level >= LogLevel.Information).TakeLast(40).Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception?.GetType().Name} {e.Exception?.Message}"));
            throw new InvalidOperationException("The worker did not load its functions into the local host. Last log lines:" + Environment.NewLine + seen, ex);
        }

        var client = new HttpClient { BaseAddress = LocalFunctionsHost.FrontEndAddress(host), Timeout = TimeSpan.FromSeconds(60) };
        return new TestApp(host, worker, run, client, System.Text.Encoding.UTF8.GetBytes(shellSecret), kasKey, pagesKey, logs, guard);
    }

    /// <summary>
    /// The worker as <c>Program</c> builds it (<see cref="WorkerApplication.CreateBuilder"/>), told where the host is as the
    /// host's command line tells it, with two things a test process needs: the SDK's generated function index and
    /// executor registered by hand (the worker finds them through the entry assembly, here the test runner), and a
    /// Kestrel port of its own (the worker picks one per process, and a test process hosts several workers).
    /// </summary>
    private static IHost BuildWorker(Uri grpc, Dictionary<string, string?> config, CapturingLoggerProvider logs, IEnumerable<IFunctionMetadata>? extraFunctions, Action<IServiceCollection>? services, TableQueryGuard guard)
    {
        // The worker reads the app's folder from the environment, as the host sets it; the same for every test worker.
        Environment.SetEnvironmentVariable("FUNCTIONS_APPLICATION_DIRECTORY", AppContext.BaseDirectory);
        Environment.SetEnvironmentVariable("FUNCTIONS_WORKER_DIRECTORY", AppContext.BaseDirectory);
        var workerId = Guid.NewGuid().ToString();
        var builder = WorkerApplication.CreateBuilder([], worker =>
        {
            worker.Configuration.AddInMemoryCollection(config);
            worker.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Functions:Worker:HostEndpoint"] = grpc.ToString(),
                ["Functions:Worker:WorkerId"] = workerId,
                ["Functions:Worker:RequestId"] = Guid.NewGuid().ToString(),
                ["Functions:Worker:GrpcMaxMessageLength"] = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            worker.Logging.AddProvider(logs);
            // Kestrel says once that our listen address replaces the integration's: expected here, not a problem of the app.
            worker.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Error);
        });

        var port = FreePort();
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.Configure<WorkerOptions>(options => options.Capabilities["HttpUri"] = $"http://127.0.0.1:{port}/");
        builder.Services.AddSingleton<IFunctionMetadataProvider>(new TestWorkerFunctions([.. extraFunctions ?? []]));
        builder.Services.AddSingleton<IFunctionExecutor>(sp => new TestFunctionExecutor(
            ActivatorUtilities.CreateInstance<global::InternalApi.Functions.DirectFunctionExecutor>(sp),
            sp.GetRequiredService<IFunctionActivator>()));
        builder.Services.AddAzureClients(clients => clients.ConfigureDefaults(options => options.AddPolicy(guard, HttpPipelinePosition.PerCall)));
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>A shell JWT as gitlab-shell mints it.</summary>
    public string ShellToken() => InternalJwt.Create(ShellKey, InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(1));

    /// <summary>A KAS JWT.</summary>
    public string KasToken() => InternalJwt.Create(KasKey, InternalJwt.KasIssuer, InternalJwt.KasAudience, TimeProvider.System, TimeSpan.FromMinutes(1));

    /// <summary>A Pages JWT, as the Pages daemon mints it.</summary>
    public string PagesToken() => InternalJwt.Create(PagesKey, global::InternalApi.Core.Pages.PagesAuthenticator.Issuer, null, TimeProvider.System, TimeSpan.FromMinutes(1));

    /// <summary>A Workhorse JWT as Workhorse signs each request: iss gitlab-workhorse, iat now, no audience.</summary>
    public static string WorkhorseToken() => InternalJwt.Create(WorkhorseKey, WorkhorseAuthenticator.Issuer, null, TimeProvider.System, TimeSpan.FromMinutes(1));

    /// <summary>A request carrying the shell JWT.</summary>
    public HttpRequestMessage ShellRequest(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(RequestAuthenticator.ShellHeader, ShellToken());
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("GitLab-Shell", null));
        return request;
    }

    /// <summary>
    /// Delivers one message to a queue function of the build through the host, as the host's listener does once it has
    /// received it (no queue involved): model binding data over gRPC. A failed invocation throws
    /// <see cref="QueueInvocationFailedException"/> with the worker's exception type and message.
    /// </summary>
    public async Task InvokeQueueFunctionAsync(string name, BinaryData body, string? messageId = null, long dequeueCount = 1)
    {
        ArgumentNullException.ThrowIfNull(body);
        var function = (await HostServices.GetRequiredService<WorkerHub>().Functions).Single(f => f.Name == name);
        var message = QueuesModelFactory.QueueMessage(
            messageId ?? Guid.NewGuid().ToString(), "receipt", BinaryData.FromString(Convert.ToBase64String(body.ToArray())), dequeueCount, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(1), DateTimeOffset.UtcNow.AddDays(7));
        var response = await HostServices.GetRequiredService<QueueTriggerListener>().DeliverAsync(function, message, CancellationToken.None);
        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            throw new QueueInvocationFailedException(response.Result?.Exception?.Type ?? "", response.Result?.Exception?.Message ?? "");
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        // The host stops the worker as the Functions host does (WorkerTerminate), then itself.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await _host.StopAsync();
        var hostStopped = watch.Elapsed;
        try
        {
            await _workerRun.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException ex)
        {
            var seen = string.Join(Environment.NewLine, Logs.Entries.TakeLast(30).Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception?.GetType().Name} {e.Exception?.Message}"));
            throw new InvalidOperationException($"The worker did not stop after the host's WorkerTerminate (the host stopped in {hostStopped}). Last log lines:" + Environment.NewLine + seen, ex);
        }

        _worker.Dispose();
        await _host.DisposeAsync();

        // A scan whose exception the app swallowed (a fallback, a health answer) still fails the test class here.
        if (QueryGuard.Violations.Count > 0)
        {
            throw new InvalidOperationException("The app sent table queries that name no single partition: " + string.Join("; ", QueryGuard.Violations.Distinct()));
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

/// <summary>A queue invocation the worker reported as failed; <see cref="ExceptionType"/> is the full name of what the function threw.</summary>
public sealed class QueueInvocationFailedException(string exceptionType, string message) : Exception($"{exceptionType}: {message}")
{
    /// <summary>The worker's exception type (full name).</summary>
    public string ExceptionType { get; } = exceptionType;
}

/// <summary>Asserts that a queue invocation failed in the worker with an exception of <typeparamref name="T"/>.</summary>
public static class AssertQueueFailure
{
    /// <summary>The failure, whose <see cref="QueueInvocationFailedException.ExceptionType"/> is <typeparamref name="T"/>'s full name.</summary>
    public static async Task<QueueInvocationFailedException> ThrowsAsync<T>(Func<Task> invoke)
        where T : Exception
    {
        var failure = await Assert.ThrowsAsync<QueueInvocationFailedException>(invoke);
        Assert.Equal(typeof(T).FullName, failure.ExceptionType);
        return failure;
    }
}
