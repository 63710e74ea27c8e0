using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using InternalApi.Core.Auth;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>jit-profile train --out DIR</c>, run by <c>dotnet publish</c> on the published build: records the start
/// profiles (<see cref="StartupJitProfile"/>) a deployment ships, so that an instance's very first start replays
/// one instead of recording it. Both start paths are recorded, each by a start of this same build in a child
/// process: the local host up to its first answers, and the worker's own path up to where it would connect to the
/// Functions host (the startup probe).
/// <para>
/// The children get throwaway secrets and a storage account on a loopback port nothing listens on: no account,
/// no network and no secret of the machine is needed, and nothing is written anywhere but <c>DIR</c>. Storage
/// calls then fail fast, so their success path is missing from the profile; measured, that keeps most of the
/// gain (docs/benchmarks.md, "Startup"), and the instance records a full profile of its own on its first start.
/// </para>
/// </summary>
internal static class JitProfileTrainCommand
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // The children run this very build.
    private static readonly string Dll = typeof(JitProfileTrainCommand).Assembly.Location;

    // What the first request of a real instance is likely to be, after the check: an SSH login and a Git command.
    private static readonly string[] Routes =
    [
        "/api/v4/internal/check",
        "/api/v4/internal/authorized_keys?key=AAAAC3NzaC1lZDI1NTE5AAAAIMLqXxGJfbrxYDA0nkBI6v9xN0cuqsYMAdAq2zgkChyk",
        "/api/v4/internal/allowed?action=git-upload-pack&key_id=1&project=group/project&protocol=ssh",
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args is not ["train", "--out", var directory])
        {
            error.WriteLine("usage: jit-profile train --out DIR");
            return 2;
        }

        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);
        foreach (var stale in Directory.EnumerateFiles(directory, "*.jitprofile"))
        {
            File.Delete(stale);
        }

        var shellSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var nowhere = $"http://127.0.0.1:{BenchProcess.FreeLoopbackPort()}/devstoreaccount1";
        var environment = new Dictionary<string, string>
        {
            ["Shell__Secret"] = shellSecret,
            ["Kas__Secret"] = key,
            ["AzureWebJobsStorage"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};QueueEndpoint={nowhere};TableEndpoint={nowhere};",
            ["Telemetry__Exporter"] = "none",
            ["Logging__LogLevel__Default"] = "None",
            [StartupJitProfile.DirectorySetting] = directory,
            [StartupJitProfile.ShippedSetting] = "off",
        };

        var local = await TrainLocalAsync(environment, shellSecret, directory);
        var worker = await TrainWorkerAsync(environment, directory);
        foreach (var file in Directory.EnumerateFiles(directory, "*.jitprofile").Order(StringComparer.Ordinal))
        {
            output.WriteLine($"jit-profile: {Path.GetFileName(file)} ({new FileInfo(file).Length} bytes)");
        }

        if (local && worker)
        {
            return 0;
        }

        error.WriteLine($"jit-profile: not recorded: {(local ? "" : "local host ")}{(worker ? "" : "worker")}".TrimEnd());
        return 1;
    }

    /// <summary>The local host's start and first answers; true when its profile was written.</summary>
    private static async Task<bool> TrainLocalAsync(Dictionary<string, string> environment, string shellSecret, string directory)
    {
        var url = $"http://127.0.0.1:{BenchProcess.FreeLoopbackPort()}";
        var secrets = InternalSecrets.Load(new ShellAuthOptions { Secret = shellSecret }, new KasAuthOptions { Secret = environment["Kas__Secret"] }, directory);
        var token = InternalJwt.Create(secrets.ShellKey, InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(5));
        using var process = BenchProcess.StartDotnet(Dll, new Dictionary<string, string>(environment) { ["LocalHost__Urls"] = url });
        using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            // Until the check answers 200 (it does without storage): the start itself.
            var clock = Stopwatch.StartNew();
            while (!await AnswersAsync(client, Routes[0], token, HttpStatusCode.OK))
            {
                if (clock.Elapsed > Deadline || process.HasExited)
                {
                    return false;
                }

                await Task.Delay(10);
            }

            // Then the first requests of a real instance, once each (503 without storage: the paths still run).
            foreach (var route in Routes.Skip(1))
            {
                await AnswersAsync(client, route, token, null);
            }

            using var written = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            return await StartupJitProfile.WrittenAsync(directory, "local-*.jitprofile", written.Token);
        }
        finally
        {
            BenchProcess.Stop(process);
        }
    }

    /// <summary>One GET with the shell JWT; true when it was answered (with <paramref name="status"/>, when given).</summary>
    private static async Task<bool> AnswersAsync(HttpClient client, string route, string token, HttpStatusCode? status)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, route);
            request.Headers.Add(RequestAuthenticator.ShellHeader, token);
            using var response = await client.SendAsync(request);
            return status is null || response.StatusCode == status;
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
            return false;
        }
    }

    /// <summary>The worker's own start path (the startup probe writes its profile and exits).</summary>
    private static async Task<bool> TrainWorkerAsync(Dictionary<string, string> environment, string directory)
    {
        using var process = BenchProcess.StartDotnet(Dll, new Dictionary<string, string>(environment)
        {
            [StartupProbe.Variable] = "1",
            ["Functions__Worker__HostEndpoint"] = $"http://127.0.0.1:{BenchProcess.FreeLoopbackPort()}",
        });
        try
        {
            await process.WaitForExitAsync().WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            BenchProcess.Stop(process);
        }

        return Directory.EnumerateFiles(directory, "worker-*.jitprofile").Any(f => new FileInfo(f).Length > 0);
    }
}
