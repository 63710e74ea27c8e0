using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;
using InternalApi.Tests.Reliability;

namespace InternalApi.Tests.Deploy;

/// <summary>
/// The output of <c>dotnet publish -c Release -r linux-x64</c> (ReadyToRun), its worker launched as its own process by
/// the local host as the Functions host launches it, against a test Azurite holding the demo data. <c>./test.sh</c> publishes once and passes the
/// folder in <c>INTERNALAPI_PUBLISH_DIR</c>; without it the fixture publishes into a temporary folder.
/// </summary>
public sealed class PublishedAppFixture : IAsyncLifetime
{
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

    /// <summary>What the host and the worker process logged (for failure messages).</summary>
    public string Output => App?.Output ?? "";

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

        // The local host launches the published worker as its own process, exactly as the Functions host does.
        App = await AppProcess.StartAsync(
            Azurite.ConnectionString,
            [
                "--Shell:Secret=" + Encoding.UTF8.GetString(ShellKey),
                "--Kas:Secret=" + Convert.ToBase64String(KasKey),
                ImportFixture.OtpKeyArgument,
                "--Queues:MaxPollingInterval=00:00:00.200",
                "--Queues:MaxDequeueCount=2",
                "--Http:MaxRequestBodyBytes=65536",
            ],
            folder: Folder);
        Client = App.Client;
    }

    /// <summary>The host and its worker process.</summary>
    public AppProcess App { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        await Azurite.DisposeAsync();
        if (_ownFolder is not null)
        {
            Directory.Delete(_ownFolder, recursive: true);
        }
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
