using System.Diagnostics;
using System.Security.Cryptography;
using InternalApi.LocalHost;
using InternalApi.LocalHost.Rpc;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InternalApi.Tests.Reliability;

/// <summary>
/// The app as Azure runs it, with the worker as an OS process of its own: the local host (in this test process) launches
/// the published worker (<c>INTERNALAPI_PUBLISH_DIR</c>, which <c>./test.sh</c> fills; else the build in the test's
/// folder) exactly as the Functions host does, with the host's arguments and environment, and restarts it when it dies.
/// A test can kill the worker as a crash does (SIGKILL: no shutdown code runs) and watch the host bring up another.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly WebApplication _host;
    private readonly CapturingLoggerProvider _logs;

    private AppProcess(WebApplication host, CapturingLoggerProvider logs)
    {
        _host = host;
        _logs = logs;
        Client = new HttpClient { BaseAddress = LocalFunctionsHost.FrontEndAddress(host), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The function app's folder the worker runs from.</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("INTERNALAPI_PUBLISH_DIR") is { Length: > 0 } published ? published : AppContext.BaseDirectory;

    /// <summary>Client of the host.</summary>
    public HttpClient Client { get; }

    /// <summary>The worker process now running (the host's child).</summary>
    public Process Worker => _host.Services.GetRequiredService<WorkerSupervisor>().Process ?? throw new InvalidOperationException("no worker process");

    /// <summary>The worker's process id.</summary>
    public int Id => Worker.Id;

    /// <summary>Whether the host has given up on the worker (it stops then).</summary>
    public bool HasExited => _host.Lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>The host's log, the worker's output among it (the tail, for failure messages).</summary>
    public string Output
    {
        get
        {
            var text = string.Join(Environment.NewLine, _logs.Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}"));
            return text.Length > 8000 ? "…" + text[^8000..] : text;
        }
    }

    /// <summary>Fresh secrets for the worker (it refuses to start without them), as settings.</summary>
    public static IReadOnlyList<string> SecretArguments() =>
    [
        "--Shell:Secret=" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        "--Kas:Secret=" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ImportFixture.OtpKeyArgument,
    ];

    /// <summary>
    /// Starts the host on a free loopback port against <paramref name="storage"/>, which launches the worker with
    /// <paramref name="arguments"/> (<c>--Section:Key=value</c>) as its app settings and <paramref name="environment"/>
    /// added; returns once the worker has loaded its functions. <c>--Queues:…</c> settings are the host's too.
    /// </summary>
    public static async Task<AppProcess> StartAsync(string storage, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? folder = null)
    {
        folder ??= Folder;
        Assert.True(File.Exists(Path.Combine(folder, "worker.config.json")), $"{folder} holds no function app (set INTERNALAPI_PUBLISH_DIR or build InternalApi.Functions)");
        var settings = new Dictionary<string, string?>
        {
            ["LocalHost:ScriptRoot"] = folder,
            ["LocalHost:Urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = storage,
            ["Logging:LogLevel:Default"] = "Information",
        };
        var worker = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storage,
            ["Telemetry__Exporter"] = "none",
        };
        foreach (var argument in arguments)
        {
            var (key, value) = (argument[2..argument.IndexOf('=', StringComparison.Ordinal)], argument[(argument.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            worker[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            if (key.StartsWith("Queues:", StringComparison.Ordinal))
            {
                settings[key] = value;
            }
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            worker[name] = value;
        }

        foreach (var (name, value) in worker)
        {
            settings["LocalHost:WorkerEnvironment:" + name] = value;
        }

        var logs = new CapturingLoggerProvider();
        var host = LocalFunctionsHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders().AddProvider(logs);
        });
        await host.StartAsync();
        var app = new AppProcess(host, logs);
        try
        {
            await host.Services.GetRequiredService<WorkerHub>().Functions.WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch (Exception ex)
        {
            var output = app.Output;
            await app.DisposeAsync();
            throw new InvalidOperationException("The worker process did not load its functions:" + Environment.NewLine + output, ex);
        }

        return app;
    }

    /// <summary>
    /// Kills the worker process with SIGKILL, as a crash or an out-of-memory kill does: no shutdown code runs, leases are
    /// neither renewed nor released, in-flight writes stop wherever they were. The host starts another.
    /// </summary>
    public async Task KillWorkerAsync()
    {
        var worker = Worker;
        worker.Kill(entireProcessTree: true);
        await worker.WaitForExitAsync();
    }

    /// <summary>Waits until a worker other than the process <paramref name="previous"/> has connected and loaded the app.</summary>
    public async Task WaitForNewWorkerAsync(int previous, TimeSpan timeout)
    {
        var hub = _host.Services.GetRequiredService<WorkerHub>();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var connection = await hub.ReadyAsync(CancellationToken.None);
            var current = _host.Services.GetRequiredService<WorkerSupervisor>().Process;
            if (current is { HasExited: false } && current.Id != previous && !connection.Closed.IsCompleted)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no new worker within {timeout.TotalSeconds} s:{Environment.NewLine}{Output}");
            // The old connection ends when the host notices the kill: wait for that, not for time.
            await connection.Closed.WaitAsync(deadline - DateTime.UtcNow);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.StopAsync();
        await _host.DisposeAsync();
    }
}
