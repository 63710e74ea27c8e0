using System.Diagnostics;
using InternalApi.Bench;

namespace InternalApi.Tests.Bench;

/// <summary>
/// What the bench relies on to start the local host and find its worker, checked without a host: the arguments it is
/// started with, the secret files made absolute for a worker that runs in its build's folder, and the worker found
/// among the host's children by the folder it serves.
/// </summary>
public sealed class BenchHostTests
{
    [Fact]
    public void The_Host_Is_Told_Its_Loopback_Address_And_An_Absolute_Script_Root()
    {
        var arguments = BenchHost.Arguments(7123, "InternalApi.Functions/bin/Release/net10.0");
        Assert.Equal("--LocalHost:Urls=http://127.0.0.1:7123", arguments[0]);
        Assert.Equal("--LocalHost:ScriptRoot=" + Path.GetFullPath("InternalApi.Functions/bin/Release/net10.0"), arguments[1]);
        Assert.True(Path.IsPathRooted(arguments[1]["--LocalHost:ScriptRoot=".Length..]));
    }

    [Fact]
    public void Secret_Files_Of_The_Current_Folder_Are_Passed_Absolute_Unless_Set()
    {
        var folder = Directory.CreateTempSubdirectory("bench-secrets-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, ".gitlab_shell_secret"), "x");
            File.WriteAllText(Path.Combine(folder.FullName, ".gitlab_kas_secret"), "x");
            var environment = BenchHost.WithSecretFiles(new Dictionary<string, string> { ["Kas__SecretFile"] = "/given/kas", ["Other"] = "kept" }, folder.FullName);
            Assert.Equal(Path.Combine(folder.FullName, ".gitlab_shell_secret"), environment["Shell__SecretFile"]);
            Assert.Equal("/given/kas", environment["Kas__SecretFile"]);
            Assert.Equal("kept", environment["Other"]);
            // No such file here: the app's own default (and its error, should it need the file) stands.
            Assert.False(environment.ContainsKey("TwoFactor__OtpEncryptionKeyFile"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_Worker_Is_The_Child_That_Serves_The_Script_Root()
    {
        // Two children of this process: the one whose command line names the folder is the worker.
        var root = Directory.CreateTempSubdirectory("bench-worker-").FullName;
        using var other = Process.Start(new ProcessStartInfo("sleep", "31") { UseShellExecute = false })!;
        using var worker = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 32", root]) { UseShellExecute = false })!;
        try
        {
            Assert.Equal(worker.Id, BenchHost.FindWorker(Environment.ProcessId, root));
            Assert.Null(BenchHost.FindWorker(Environment.ProcessId, "/no/such/folder"));
            Assert.Null(BenchHost.FindWorker(int.MaxValue, root));
        }
        finally
        {
            other.Kill();
            worker.Kill();
            await other.WaitForExitAsync();
            await worker.WaitForExitAsync();
            Directory.Delete(root);
        }
    }
}
