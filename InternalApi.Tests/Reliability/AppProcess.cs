using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Reliability;

/// <summary>
/// The app as its own OS process in local-host mode (<c>dotnet InternalApi.Functions.dll</c>), so that a test can
/// kill it as a crash does (SIGKILL, no shutdown code runs) and start it again. It runs the published folder when
/// <c>INTERNALAPI_PUBLISH_DIR</c> names one (<c>./test.sh</c> publishes once), else the build of
/// InternalApi.Functions that sits in the test's own output folder (a project reference copies its dll,
/// <c>deps.json</c>, <c>runtimeconfig.json</c>, <c>functions.metadata</c> and <c>host.json</c>), so a plain
/// <c>dotnet test</c> needs no publish.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, int port)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The folder the app runs from.</summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("INTERNALAPI_PUBLISH_DIR") is { Length: > 0 } published ? published : AppContext.BaseDirectory;

    /// <summary>Client of the process.</summary>
    public HttpClient Client { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                var text = _output.ToString();
                return text.Length > 8000 ? "…" + text[^8000..] : text;
            }
        }
    }

    /// <summary>Fresh secrets the process is started with (it refuses to start without them).</summary>
    public static IReadOnlyList<string> SecretArguments() =>
    [
        "--Shell:Secret=" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        "--Kas:Secret=" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ImportFixture.OtpKeyArgument,
    ];

    /// <summary>
    /// Starts the app on a free loopback port against <paramref name="storage"/> and waits until it answers <c>/api/health</c>.
    /// Its startup JIT profile is off unless <paramref name="environment"/> names a folder for it.
    /// </summary>
    public static async Task<AppProcess> StartAsync(string storage, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var folder = Folder;
        var dll = Path.Combine(folder, "InternalApi.Functions.dll");
        Assert.True(File.Exists(dll), $"{dll} not found (set INTERNALAPI_PUBLISH_DIR or build InternalApi.Functions)");
        var port = AzuriteServer.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add($"--LocalHost:Urls=http://127.0.0.1:{port}");
        start.ArgumentList.Add("--LocalHost:ScriptRoot=" + folder);
        start.ArgumentList.Add("--AzureWebJobsStorage=" + storage);
        start.ArgumentList.Add("--Telemetry:Exporter=none");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Local-host mode: nothing may make it look for a Functions host.
        start.Environment.Remove("FUNCTIONS_WORKER_RUNTIME");
        start.Environment.Remove("Functions__Worker__HostEndpoint");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var app = new AppProcess(process, port);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilServingAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>
    /// Kills the process and its children with SIGKILL, as a crash or an out-of-memory kill does: no shutdown
    /// code runs, leases are neither renewed nor released, in-flight writes stop wherever they were.
    /// </summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        // Readiness, not synchronisation of a test: the process is polled until it answers, within a bound.
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Client.GetAsync("/api/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The app did not answer /api/health within {timeout.TotalSeconds} s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            // Only the tail matters for a failure message; a long run must not grow it without bound.
            if (_output.Length > 200_000)
            {
                _output.Remove(0, 100_000);
            }

            _output.AppendLine(line);
        }
    }
}
