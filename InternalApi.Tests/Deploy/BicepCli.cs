using System.Diagnostics;
using System.Reflection;

namespace InternalApi.Tests.Deploy;

/// <summary>
/// The Bicep CLI from the <c>Azure.Bicep.CommandLine.linux-x64</c> package the test project restores (its folder
/// reaches the assembly as metadata, see InternalApi.Tests.csproj): no download script, no global install.
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The binary inside the restored package.</summary>
    public static string Path
    {
        get
        {
            var package = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "BicepCli")?.Value;
            if (string.IsNullOrEmpty(package))
            {
                throw new InvalidOperationException("The test assembly does not know the Bicep CLI package folder: restore InternalApi.Tests (dotnet restore) and rebuild.");
            }

            var binary = System.IO.Path.Combine(package, "tools", "bicep");
            if (!File.Exists(binary))
            {
                throw new InvalidOperationException($"No Bicep CLI at {binary}: the package ships linux-x64 only, and must be restored.");
            }

            // The package carries the binary as rwxr--r--; make it runnable for whoever runs the tests.
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("The Bicep CLI package the tests restore is the linux-x64 one.");
            }

            const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            var mode = File.GetUnixFileMode(binary);
            if ((mode & execute) != execute)
            {
                File.SetUnixFileMode(binary, mode | execute);
            }

            return binary;
        }
    }

    /// <summary>Runs the CLI to completion and returns what it printed.</summary>
    public static async Task<BicepRun> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The CLI is a .NET app: without this it needs ICU, which a minimal machine may lack.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        using var timeout = new CancellationTokenSource(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new BicepRun(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>One run of the CLI.</summary>
public sealed record BicepRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Everything it printed, for assertion messages.</summary>
    public string Output => (StandardOutput + StandardError).Trim();
}
