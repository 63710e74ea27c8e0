using System.Diagnostics;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using InternalApi.Tests.Reliability;

namespace InternalApi.Tests.Hosting;

/// <summary>
/// The startup JIT profile (<see cref="StartupJitProfile"/>): a serving process writes it after its first answer,
/// a later start of the same build replays it and serves, and the worker's start path writes its own. The app runs
/// as its own process (the profile belongs to a process start) on an Azurite of this class.
/// </summary>
public sealed class StartupJitProfileTests(StartupJitProfileTests.Storage storage) : IClassFixture<StartupJitProfileTests.Storage>, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("jit-profile-test-");
    private readonly AzuriteServer _azurite = storage.Azurite;

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>One Azurite for the class's process starts (each test has its own profile folder).</summary>
    public sealed class Storage : IAsyncLifetime
    {
        /// <summary>The Azurite.</summary>
        public AzuriteServer Azurite { get; private set; } = null!;

        /// <inheritdoc/>
        public async Task InitializeAsync() => Azurite = await AzuriteServer.StartAsync();

        /// <inheritdoc/>
        public async Task DisposeAsync() => await Azurite.DisposeAsync();
    }

    [Fact]
    public void The_Profile_Is_Named_For_The_Host_Kind_And_The_Build_And_Can_Be_Turned_Off()
    {
        var local = StartupJitProfile.PathFor("local", "/srv/profiles");
        var worker = StartupJitProfile.PathFor("worker", "/srv/profiles");
        Assert.StartsWith("/srv/profiles/local-", local);
        Assert.EndsWith(".jitprofile", local);
        Assert.StartsWith("/srv/profiles/worker-", worker);
        Assert.Contains(typeof(StartupJitProfile).Assembly.ManifestModule.ModuleVersionId.ToString("N"), local, StringComparison.Ordinal);
        Assert.Null(StartupJitProfile.PathFor("local", "off"));
        Assert.Null(StartupJitProfile.PathFor("local", "OFF"));
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "internalapi-jit"), StartupJitProfile.PathFor("local", ""));
    }

    [Fact]
    public async Task The_Local_Host_Writes_Its_Profile_After_Its_First_Answer_And_A_Later_Start_Serves_With_It()
    {
        var environment = new Dictionary<string, string> { [StartupJitProfile.DirectorySetting] = _folder.FullName };
        var arguments = AppProcess.SecretArguments();
        string profile;
        await using (var first = await AppProcess.StartAsync(_azurite.ConnectionString, arguments, environment))
        {
            // StartAsync returns after the first 200 (/api/health): the profile is written a moment later.
            profile = await ProfileAsync("local-*.jitprofile", first.Output);
            Assert.False(first.HasExited);
        }

        // Killed (SIGKILL) after writing it: the next start replays the file and serves as before, and removes the
        // profile an earlier build left (its name holds another module version id).
        var written = new FileInfo(profile).Length;
        var stale = Path.Combine(_folder.FullName, "local-00000000000000000000000000000000.jitprofile");
        await File.WriteAllBytesAsync(stale, [1, 2, 3]);
        await using var second = await AppProcess.StartAsync(_azurite.ConnectionString, arguments, environment);
        using var health = await second.Client.GetAsync("/api/health");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        Assert.True(written > 0);
        Assert.Equal(profile, Assert.Single(_folder.GetFiles("local-*.jitprofile")).FullName);
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public async Task A_Truncated_Or_Foreign_Profile_Does_Not_Stop_The_Start()
    {
        // What a start killed while writing, or a planted file, leaves behind: the runtime must ignore it.
        var path = StartupJitProfile.PathFor("local", _folder.FullName)!;
        await File.WriteAllBytesAsync(path, [.. System.Text.Encoding.ASCII.GetBytes("not a profile"), .. new byte[64]]);
        var environment = new Dictionary<string, string> { [StartupJitProfile.DirectorySetting] = _folder.FullName };
        await using var app = await AppProcess.StartAsync(_azurite.ConnectionString, AppProcess.SecretArguments(), environment);
        using var health = await app.Client.GetAsync("/api/health");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task The_Worker_Start_Path_Writes_Its_Own_Profile()
    {
        // The startup probe runs Program's worker path up to where it would connect to the Functions host, then
        // writes the profile and exits (nothing listens at the host endpoint: it is never contacted).
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppProcess.Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppProcess.Folder, "InternalApi.Functions.dll"));
        start.ArgumentList.Add("--AzureWebJobsStorage=" + _azurite.ConnectionString);
        start.ArgumentList.Add("--Telemetry:Exporter=none");
        foreach (var argument in AppProcess.SecretArguments())
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[StartupProbe.Variable] = "1";
        start.Environment["Functions__Worker__HostEndpoint"] = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
        start.Environment[StartupJitProfile.DirectorySetting] = _folder.FullName;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, await error);
        Assert.Contains(StartupProbe.Line, await output, StringComparison.Ordinal);
        var profile = Assert.Single(_folder.GetFiles("worker-*.jitprofile"));
        Assert.True(profile.Length > 0);
    }

    /// <summary>Polls (within a bound) until the process has written a profile file matching <paramref name="pattern"/>.</summary>
    private async Task<string> ProfileAsync(string pattern, string processOutput)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (_folder.GetFiles(pattern) is [{ Length: > 0 } file])
            {
                return file.FullName;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no {pattern} in {_folder.FullName} within {Bound.TotalSeconds} s:\n{processOutput}");
    }
}
