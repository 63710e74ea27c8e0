using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Deploy;

/// <summary>
/// The output of <c>dotnet publish -c Release -r linux-x64</c> (ReadyToRun), run as its own process in local
/// host mode against a test Azurite holding the demo data. <c>./test.sh</c> publishes once and passes the
/// folder in <c>INTERNALAPI_PUBLISH_DIR</c>; without it the fixture publishes into a temporary folder.
/// </summary>
public sealed class PublishedAppFixture : IAsyncLifetime
{
    private Process? _process;
    private readonly StringBuilder _output = new();
    private string? _ownFolder;

    /// <summary>The publish folder.</summary>
    public string Folder { get; private set; } = "";

    /// <summary>The test Azurite.</summary>
    public AzuriteServer Azurite { get; private set; } = null!;

    /// <summary>Client of the published app.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The shell secret the process was given.</summary>
    public byte[] ShellKey { get; } = Encoding.UTF8.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

    /// <summary>The KAS secret the process was given.</summary>
    public byte[] KasKey { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>What the process printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Folder = Environment.GetEnvironmentVariable("INTERNALAPI_PUBLISH_DIR") is { Length: > 0 } given ? given : await PublishAsync();
        Azurite = await AzuriteServer.StartAsync();
        using (var error = new StringWriter())
        {
            var code = await ImportCommand.RunAsync([ImportTests.FindDemo(), "--AzureWebJobsStorage=" + Azurite.ConnectionString, ImportFixture.OtpKeyArgument], TextWriter.Null, error);
            Assert.True(code == 0, error.ToString());
        }

        var port = AzuriteServer.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            Path.Combine(Folder, "InternalApi.Functions.dll"),
            $"--LocalHost:Urls=http://127.0.0.1:{port}",
            "--AzureWebJobsStorage=" + Azurite.ConnectionString,
            "--Shell:Secret=" + Encoding.UTF8.GetString(ShellKey),
            "--Kas:Secret=" + Convert.ToBase64String(KasKey),
            "--Telemetry:Exporter=none",
            ImportFixture.OtpKeyArgument,
            "--Queues:MaxPollingInterval=00:00:00.200",
        })
        {
            start.ArgumentList.Add(argument);
        }

        // The published app must not pick up the developer's Functions host settings.
        start.Environment.Remove("FUNCTIONS_WORKER_RUNTIME");
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        await WaitUntilServingAsync();
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        await Azurite.DisposeAsync();
        if (_ownFolder is not null)
        {
            Directory.Delete(_ownFolder, recursive: true);
        }
    }

    private async Task WaitUntilServingAsync()
    {
        // Readiness, not synchronisation of a test: the process is polled until it answers, within a bound.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"The published app exited with {_process.ExitCode}:\n{Output}");
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

            await Task.Delay(100);
        }

        throw new TimeoutException($"The published app did not answer /api/health within 60 s:\n{Output}");
    }

    private async Task<string> PublishAsync()
    {
        _ownFolder = Directory.CreateTempSubdirectory("internalapi-publish-").FullName;
        var project = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(ImportTests.FindDemo()))!, "InternalApi.Functions", "InternalApi.Functions.csproj");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "-o", _ownFolder, "--nologo", "-v", "q" })
        {
            start.ArgumentList.Add(argument);
        }

        using var publish = Process.Start(start)!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var error = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        Assert.True(publish.ExitCode == 0, $"dotnet publish failed:\n{await output}\n{await error}");
        return _ownFolder;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>A request with a fresh shell JWT of the process's secret.</summary>
    public HttpRequestMessage ShellRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(RequestAuthenticator.ShellHeader, Core.Auth.InternalJwt.Create(ShellKey, Core.Auth.InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(1)));
        return request;
    }
}

/// <summary>The published-build tests share one publish and one process.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedAppCollection : ICollectionFixture<PublishedAppFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "published-app";
}
