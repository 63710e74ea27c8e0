using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using InternalApi.Core.Auth;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>bench startup [--runs 10]</c>: what a cold instance pays. Starts each variant as a new process (<c>dotnet
/// X.dll</c>, on a free loopback port) <c>--runs</c> times, the variants interleaved per round so that the shared
/// machine's drift hits all of them alike, and times process start → first 200 on <c>/api/v4/internal/check</c>
/// (connection attempts ~1 ms apart): this app under the local host (JIT build and ReadyToRun publish) against
/// <c>benchmarks/BareAspNetCore</c> (one route, no storage) built both ways. Then the worker's own start path:
/// Program with a host endpoint and <see cref="StartupProbe"/> on, timed to the probe's line (builder, services,
/// table creation, up to where it would connect to the host), against <c>benchmarks/EmptyWorker</c>.
/// Run from the repository root (the default paths are relative to it) with Azurite running; <c>./run.sh bench
/// startup</c> builds and publishes all of them first.
/// </summary>
public static class StartupBenchCommand
{
    /// <summary>The floor's JIT build (<c>benchmarks/BareAspNetCore</c>), relative to the repository root; bench memory measures it too.</summary>
    internal const string BareBuild = "benchmarks/BareAspNetCore/bin/Release/net10.0";

    private const string Route = "/api/v4/internal/check";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// One thing to start: how it is timed, where it listens, and its JIT profile (<see cref="StartupJitProfile"/>):
    /// <see cref="Profile.None"/> (the baselines as they are), <see cref="Profile.FirstStart"/> (an empty profile folder
    /// per start: a build's first start on an instance, which replays the profile a published build ships and records),
    /// <see cref="Profile.FirstStartUnshipped"/> (the same with the shipped profile ignored) or
    /// <see cref="Profile.Recorded"/> (a folder primed by one untimed start before the rounds: every later start of
    /// that build).
    /// </summary>
    private sealed record Variant(string Name, string Dll, bool Probe, bool LocalHost, Profile Profile, string? RoutesFrom = null)
    {
        public string? ProfileDirectory { get; set; }
    }

    private enum Profile
    {
        None,
        FirstStart,
        FirstStartUnshipped,
        Recorded,
    }

    /// <summary>Runs the rounds and prints the tables; 0 when every start reached its 200 (or probe line).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var runs = int.Parse(Option(args, "--runs") ?? "10", CultureInfo.InvariantCulture);
        var ours = Option(args, "--app") ?? "InternalApi.Functions/bin/Release/net10.0";
        var oursR2R = Option(args, "--app-publish") ?? "InternalApi.Functions/bin/Release/net10.0/linux-x64/publish";
        const string bare = BareBuild;
        const string worker = "benchmarks/EmptyWorker/bin/Release/net10.0";
        string Ours(bool r2r) => Path.Combine(r2r ? oursR2R : ours, "InternalApi.Functions.dll");
        string Bare(bool r2r) => Path.Combine(bare, r2r ? "linux-x64/publish" : "", "BareAspNetCore.dll");
        string Empty(bool r2r) => Path.Combine(worker, r2r ? "linux-x64/publish" : "", "EmptyWorker.dll");
        Variant[] http =
        [
            new("(a) InternalApi local host, JIT", Ours(false), false, true, Profile.FirstStart),
            new("(a)   same, with its JIT profile", Ours(false), false, true, Profile.Recorded),
            new("(b) InternalApi local host, R2R", Ours(true), false, true, Profile.FirstStart),
            new("(b)   same, with its JIT profile", Ours(true), false, true, Profile.Recorded),
            new("(c) bare ASP.NET Core, JIT", Bare(false), false, false, Profile.None),
            new("(c)   same, with a JIT profile", Bare(false), false, false, Profile.Recorded),
            new("(c) bare ASP.NET Core, R2R", Bare(true), false, false, Profile.None),
            new("(c)   same, with a JIT profile", Bare(true), false, false, Profile.Recorded),
            new("(e) bare + all our HTTP routes, JIT", Bare(false), false, false, Profile.None, Path.Combine(ours, "functions.metadata")),
            new("(e) bare + all our HTTP routes, R2R", Bare(true), false, false, Profile.None, Path.Combine(oursR2R, "functions.metadata")),
            new("(b)   same, shipped profile ignored", Ours(true), false, true, Profile.FirstStartUnshipped),
        ];
        Variant[] probes =
        [
            new("(d) InternalApi Program, JIT", Ours(false), true, false, Profile.FirstStart),
            new("(d)   same, with its JIT profile", Ours(false), true, false, Profile.Recorded),
            new("(d) EmptyWorker, JIT", Empty(false), true, false, Profile.None),
            new("(d)   same, with a JIT profile", Empty(false), true, false, Profile.Recorded),
            new("(d) InternalApi Program, R2R", Ours(true), true, false, Profile.FirstStart),
            new("(d)   same, with its JIT profile", Ours(true), true, false, Profile.Recorded),
            new("(d) EmptyWorker, R2R", Empty(true), true, false, Profile.None),
            new("(d)   same, with a JIT profile", Empty(true), true, false, Profile.Recorded),
            new("(d) InternalApi Program, R2R, shipped profile ignored", Ours(true), true, false, Profile.FirstStartUnshipped),
        ];
        if (runs < 1)
        {
            error.WriteLine("usage: bench startup [--runs N>0] [--app DIR] [--app-publish DIR]");
            return 2;
        }

        if (http.Concat(probes).FirstOrDefault(v => !File.Exists(v.Dll)) is { } missing)
        {
            error.WriteLine($"{Path.GetFullPath(missing.Dll)} not found: ./run.sh bench startup builds and publishes every variant");
            return 2;
        }

        var authorization = ShellToken();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"startup: {runs} rounds, variants interleaved; {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 20)} MiB, {RuntimeInformation.FrameworkDescription}; load average {LoadAverage()}"));
        var scratch = Directory.CreateTempSubdirectory("internalapi-startup-");
        try
        {
            var failures = 0;
            foreach (var variant in http.Concat(probes).Where(v => v.Profile == Profile.Recorded))
            {
                variant.ProfileDirectory = scratch.CreateSubdirectory(Guid.NewGuid().ToString("N")).FullName;
                if (!await PrimeAsync(variant, authorization))
                {
                    failures++;
                    error.WriteLine($"{variant.Name}: no JIT profile was written by its priming start");
                }
            }

            var times = http.Concat(probes).ToDictionary(v => v, _ => new List<double>());
            for (var round = 0; round < runs; round++)
            {
                foreach (var variant in times.Keys)
                {
                    var elapsed = await TimeAsync(variant, authorization, scratch);
                    if (elapsed is { } ms)
                    {
                        times[variant].Add(ms);
                    }
                    else
                    {
                        failures++;
                        error.WriteLine($"{variant.Name}: no answer within {Deadline.TotalSeconds:0} s, or it exited first");
                    }
                }
            }

            output.WriteLine($"load average after: {LoadAverage()}");
            output.WriteLine($"process start → first 200 on {Route}");
            Table(output, http, times);
            output.WriteLine($"ratio first start (a)/(c) JIT {Ratio(times, http[0], http[4])}, (b)/(c) R2R {Ratio(times, http[2], http[6])}; " +
                             $"with its profile vs the bare app: JIT {Ratio(times, http[1], http[4])}, R2R {Ratio(times, http[3], http[6])}; " +
                             $"both with a profile: JIT {Ratio(times, http[1], http[5])}, R2R {Ratio(times, http[3], http[7])} (target ≤ 1.25); " +
                             $"first start ÷ the bare app with the same routes: JIT {Ratio(times, http[0], http[8])}, R2R {Ratio(times, http[2], http[9])}; " +
                             $"R2R first start with the shipped profile ignored vs the bare app {Ratio(times, http[10], http[6])}");
            output.WriteLine($"worker start path: process start → \"{StartupProbe.Line}\" ({StartupProbe.Variable}=1, where host.RunAsync() would connect)");
            Table(output, probes, times);
            output.WriteLine($"ratio InternalApi/EmptyWorker first start JIT {Ratio(times, probes[0], probes[2])}, R2R {Ratio(times, probes[4], probes[6])}; " +
                             $"with its profile vs the empty worker: JIT {Ratio(times, probes[1], probes[2])}, R2R {Ratio(times, probes[5], probes[6])}; " +
                             $"both with a profile: JIT {Ratio(times, probes[1], probes[3])}, R2R {Ratio(times, probes[5], probes[7])}; " +
                             $"R2R first start with the shipped profile ignored vs the empty worker {Ratio(times, probes[8], probes[6])}");
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>One timed start of <paramref name="variant"/>; null when it never answered.</summary>
    private static Task<double?> TimeAsync(Variant variant, string authorization, DirectoryInfo scratch)
    {
        // A build's first start on an instance: an empty profile folder of its own, which this start records into.
        var profile = variant.Profile switch
        {
            Profile.FirstStart or Profile.FirstStartUnshipped => scratch.CreateSubdirectory(Guid.NewGuid().ToString("N")).FullName,
            Profile.Recorded => variant.ProfileDirectory!,
            _ => "off",
        };
        return variant.Probe ? ProbeAsync(variant, profile) : FirstOkAsync(variant, authorization, profile);
    }

    /// <summary>The shipped-profile setting of a start: only the row that times a start without it turns it off.</summary>
    private static string Shipped(Variant variant) => variant.Profile == Profile.FirstStartUnshipped ? "off" : "";

    /// <summary>
    /// An untimed start that records the variant's profile: its first answer (or probe line), then the process
    /// writes the profile by itself; waits for the file (a timed start is killed at once and would not write it).
    /// </summary>
    private static async Task<bool> PrimeAsync(Variant variant, string authorization)
    {
        var directory = variant.ProfileDirectory!;
        using var written = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var answered = variant.Probe
            ? await ProbeAsync(variant, directory, written.Token)
            : await FirstOkAsync(variant, authorization, directory, written.Token);
        return answered is not null && Directory.EnumerateFiles(directory, "*.jitprofile").Any();
    }

    /// <summary>Start → the first 200 of the route; null when it never came.</summary>
    private static async Task<double?> FirstOkAsync(Variant variant, string authorization, string profile, CancellationToken waitForProfile = default)
    {
        var port = BenchProcess.FreeLoopbackPort();
        var url = $"http://127.0.0.1:{port}";
        using var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), PooledConnectionLifetime = TimeSpan.Zero };
        using var client = new HttpClient(handler) { Timeout = Deadline };
        var clock = Stopwatch.StartNew();
        using var process = BenchProcess.StartDotnet(variant.Dll, new Dictionary<string, string>
        {
            [variant.LocalHost ? "LocalHost__Urls" : "ASPNETCORE_URLS"] = url,
            [StartupJitProfile.DirectorySetting] = profile,
            [StartupJitProfile.ShippedSetting] = Shipped(variant),
            ["BARE_ROUTES_FROM"] = variant.RoutesFrom ?? "",
        });
        try
        {
            while (clock.Elapsed < Deadline && !process.HasExited)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, url + Route);
                    request.Headers.Add(RequestAuthenticator.ShellHeader, authorization);
                    using var response = await client.SendAsync(request, CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var elapsed = clock.Elapsed.TotalMilliseconds;
                        if (waitForProfile.CanBeCanceled)
                        {
                            // Priming: the process writes its profile by itself a moment after the answer.
                            await StartupJitProfile.WrittenAsync(profile, "*.jitprofile", waitForProfile);
                        }

                        return elapsed;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(1, CancellationToken.None);
            }

            return null;
        }
        finally
        {
            BenchProcess.Stop(process);
        }
    }

    /// <summary>Start → the probe's line, with a host endpoint where nothing listens; null when it never came.</summary>
    private static async Task<double?> ProbeAsync(Variant variant, string profile, CancellationToken waitForProfile = default)
    {
        var line = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        using var process = BenchProcess.StartDotnet(variant.Dll, new Dictionary<string, string>
        {
            [StartupProbe.Variable] = "1",
            ["Functions__Worker__HostEndpoint"] = $"http://127.0.0.1:{BenchProcess.FreeLoopbackPort()}",
            [StartupJitProfile.DirectorySetting] = profile,
            [StartupJitProfile.ShippedSetting] = Shipped(variant),
        }, text =>
        {
            if (text == StartupProbe.Line)
            {
                line.TrySetResult();
            }
        });
        try
        {
            // A build without the probe runs on, fails to reach the host and exits: no line, no figure.
            await Task.WhenAny(line.Task, process.WaitForExitAsync(CancellationToken.None)).WaitAsync(Deadline, CancellationToken.None);
            if (!line.Task.IsCompleted)
            {
                return null;
            }

            var elapsed = clock.Elapsed.TotalMilliseconds;
            if (waitForProfile.CanBeCanceled)
            {
                // Priming: the probe writes its profile after the line and exits by itself.
                await process.WaitForExitAsync(waitForProfile);
            }

            return elapsed;
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            BenchProcess.Stop(process);
        }
    }

    /// <summary>A shell JWT for the app's auth (the bare app ignores it), signed with the configured secret.</summary>
    private static string ShellToken()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var shell = configuration.GetSection(ShellAuthOptions.SectionName).Get<ShellAuthOptions>() ?? new();
        var kas = configuration.GetSection(KasAuthOptions.SectionName).Get<KasAuthOptions>() ?? new();
        var secrets = InternalSecrets.Load(shell, kas, Directory.GetCurrentDirectory());
        // Long enough for every round of a slow run.
        return InternalJwt.Create(secrets.ShellKey, InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(30));
    }

    private static void Table(TextWriter output, IEnumerable<Variant> variants, Dictionary<Variant, List<double>> times)
    {
        output.WriteLine($"{"variant",-34} {"median ms",9} {"min",7} {"max",7} {"runs",4}");
        foreach (var v in variants)
        {
            var t = times[v];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{v.Name,-34} {Median(t),9:F0} {(t.Count > 0 ? t.Min() : double.NaN),7:F0} {(t.Count > 0 ? t.Max() : double.NaN),7:F0} {t.Count,4}"));
        }
    }

    private static string Ratio(Dictionary<Variant, List<double>> times, Variant over, Variant under) =>
        string.Create(CultureInfo.InvariantCulture, $"{Median(times[over]) / Median(times[under]):F2}×");

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
